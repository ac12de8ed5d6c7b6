package io.gatehouse.internal.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.util.Transfer;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;

/**
 * A switched connection (a WebSocket upgrade answered 101): a byte relay in both directions between the client's
 * connection and the backend connection, which it owns, and its silence deadline. When one side closes, the other
 * side's writing half is shut down after the last bytes are flushed, and both connections are closed; a failure on
 * either side closes both at once.
 *
 * <p>Silence: every read that brings bytes, from either side, sets the deadline {@code timeouts.read} from now again
 * (a link into the IO thread's {@link DeadlineQueue} of the proxy's read timeouts: no timer and no allocation per
 * read). When it passes with nothing read, one line is logged and both connections are closed, which frees the
 * backend connection's pool slot. Both directions count, as with HAProxy's {@code timeout tunnel} (nginx documents
 * its {@code proxy_read_timeout} as counting the backend's bytes only): a client's pings keep the tunnel open as
 * well as a server's.
 *
 * <p>The client connection's close ends the watch ({@link #clientClosed}): the deadline is taken back, so the
 * queue holds no closed connection until its deadline (the queue's one timer holds the queue, never an entry: no
 * weak reference is needed), and the backend connection is closed unless the client ended its side itself and the
 * relay is still flushing that to the backend (the relay closes it then; the deadline stays, to close it quietly
 * should that flush never end). So a client connection the gateway closes (a stop, a listener a reload removed, the
 * application's server) or an error closes never leaves the backend connection and its pool slot behind. A backend
 * connection that closes first leaves the tunnel watched until the client's side is done too.
 *
 * <p>Every method runs on the IO thread of both connections: the pool opens a backend connection on the thread of
 * the exchange it serves.
 */
final class Tunnel extends DeadlineQueue.Entry {

    private final BackendConnection backend;
    private final DeadlineQueue.PerThread deadlines;
    private final ProxyLog log;
    /** The upgrade request's method and target, for the log line: the exchange is over long before. */
    private final String request;
    private final URI backendUri;
    /** The client's side; null until the relay starts. */
    private StreamConnection client;
    /** The client sent its end of stream: the relay then shuts the backend's side down itself, once flushed. */
    private boolean clientEnded;
    /** The client's connection closed while the relay still flushed its last bytes to the backend. */
    private boolean clientGone;

    /**
     * @param backend    the connection that answered 101, owned by the tunnel from now on
     * @param deadlines  the proxy's read timeouts ({@code timeouts.read}), which also bound the tunnel's silence
     * @param log        where the cut is logged
     * @param request    the upgrade request's method and target, as a log line names a request
     * @param backendUri the backend, as configured
     */
    Tunnel(BackendConnection backend, DeadlineQueue.PerThread deadlines, ProxyLog log, String request, URI backendUri) {
        this.backend = backend;
        this.deadlines = deadlines;
        this.log = log;
        this.request = request;
        this.backendUri = backendUri;
    }

    /**
     * Starts relaying between {@code client}, switched by Undertow, and the backend connection, whose source already
     * gives first what the backend sent right after its 101; the silence deadline starts now.
     *
     * @param client  the client's connection, no longer HTTP
     * @param buffers the pool of the relay's buffers
     */
    void relay(StreamConnection client, ByteBufferPool buffers) {
        this.client = client;
        StreamConnection backendSide = backend.channel();
        watch(client.getSourceChannel(), true);
        watch(backendSide.getSourceChannel(), false);
        deadlines.add(this, client.getIoThread());
        ChannelExceptionHandler<Channel> closeBoth = (channel, e) -> IoUtils.safeClose(client, backendSide);
        relay(backendSide, client, closeBoth, buffers);
        relay(client, backendSide, closeBoth, buffers);
    }

    private static void relay(StreamConnection from, StreamConnection to, ChannelExceptionHandler<Channel> onError,
                              ByteBufferPool buffers) {
        Transfer.initiateTransfer(from.getSourceChannel(), to.getSinkChannel(),
                ChannelListeners.closingChannelListener(),
                ChannelListeners.writeShutdownChannelListener(
                        ChannelListeners.flushingChannelListener(ChannelListeners.closingChannelListener(),
                                ChannelListeners.closingChannelExceptionHandler()),
                        ChannelListeners.closingChannelExceptionHandler()),
                onError, onError, buffers);
    }

    private void watch(ConduitStreamSourceChannel source, boolean client) {
        source.setConduit(new Watched(source.getConduit(), client));
    }

    /** Bytes crossed: the silence starts again. */
    private void active() {
        deadlines.add(this, client.getIoThread());
    }

    /**
     * The client's connection closed. When the client ended its side itself and the backend connection is still
     * open, the relay is flushing the client's last bytes to it and closes it after: the deadline stays, for a flush
     * that never ends. Otherwise nothing more crosses: the deadline is taken back and the backend connection closed,
     * as nothing else would close it (before the switch the client went away first; while relaying, the gateway or
     * an error closed the client's connection, which the relay is not told of).
     */
    void clientClosed() {
        if (client != null && clientEnded && backend.isOpen()) {
            clientGone = true;
            return;
        }
        cancelDeadline();
        backend.close();
    }

    /**
     * Nothing crossed either way for {@code timeouts.read}: the line first, then both sides closed; or, the client
     * gone already, the backend connection whose flush never ended, closed without a line.
     */
    @Override
    void expired() {
        if (!clientGone) {
            log.failure(request, backendUri, 0,
                    "WebSocket silent: nothing either way within " + deadlines.timeoutMillis + "ms");
            IoUtils.safeClose(client);
        }
        backend.close();
    }

    /** A source of the relay that reports each read that brought bytes, and the client's end of stream. */
    private final class Watched extends AbstractStreamSourceConduit<StreamSourceConduit> {
        private final boolean client;

        Watched(StreamSourceConduit next, boolean client) {
            super(next);
            this.client = client;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return (int) seen(next.read(dst));
        }

        @Override
        public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
            return seen(next.read(dsts, offs, len));
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            return Conduits.transfer(this, count, throughBuffer, target);
        }

        private long seen(long read) {
            if (read > 0) {
                active();
            } else if (read < 0 && client) {
                clientEnded = true;
            }
            return read;
        }
    }
}
