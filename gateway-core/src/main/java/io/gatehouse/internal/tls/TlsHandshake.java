package io.gatehouse.internal.tls;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DelegateOpenListener;
import io.undertow.util.PooledAdaptor;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;
import org.xnio.ssl.SslConnection;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import javax.net.ssl.SSLException;

/**
 * One accepted connection of a TLS listener until its handshake is done (see {@link TlsFrontDoor}): the first
 * bytes, the handshake and its deadline. Ends once: {@link #finish()} when the handshake is done, or a failure, the
 * deadline or {@link #close()}, each of which closes the connection. Its steps run on the connection's IO thread;
 * {@link #close()} may come from any thread.
 */
final class TlsHandshake implements ChannelListener<StreamSourceChannel>, Closeable {

    private static final Logger LOG = System.getLogger(TlsHandshake.class.getPackageName());
    /** The content type of a TLS handshake record, the first byte every TLS client sends. */
    private static final byte HANDSHAKE_RECORD = 0x16;
    private static final String PLAIN_HTTP_BODY = "400 The plain HTTP request was sent to HTTPS port\n";
    private static final ByteBuffer PLAIN_HTTP_ANSWER = ByteBuffer.wrap(("HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + PLAIN_HTTP_BODY.length() + "\r\n"
            + "Connection: close\r\n\r\n" + PLAIN_HTTP_BODY).getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private final StreamConnection socket;
    private final HandshakeSettings settings;
    private final ByteBufferPool buffers;
    private final DelegateOpenListener http1;
    private final DelegateOpenListener http2;
    private final Consumer<TlsHandshake> ended;
    private final AtomicBoolean over = new AtomicBoolean();
    /** What closing closes: the socket, then the TLS connection over it. */
    private volatile StreamConnection outermost;
    private volatile XnioExecutor.Key deadline;

    /** {@code ended}: told once, whichever way the handshake ends. */
    TlsHandshake(StreamConnection socket, HandshakeSettings settings, ByteBufferPool buffers, DelegateOpenListener http1,
                 DelegateOpenListener http2, Consumer<TlsHandshake> ended) {
        this.socket = socket;
        this.outermost = socket;
        this.settings = settings;
        this.buffers = buffers;
        this.http1 = http1;
        this.http2 = http2;
        this.ended = ended;
    }

    /** Arms the deadline and waits for the client's first bytes. */
    void start(Duration timeout) {
        deadline = socket.getIoThread().executeAfter(this::timedOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
        // Undertow closes the socket itself when the handshake fails inside its TLS layer (the engine said why).
        ChannelListener<? super StreamConnection> previous = socket.getCloseListener();
        socket.setCloseListener(closed -> {
            end(null);
            if (previous != null) {
                ChannelListeners.invokeChannelListener(closed, previous);
            }
        });
        socket.getSourceChannel().setReadListener(this);
        socket.getSourceChannel().resumeReads();
    }

    /** The client's first bytes: a TLS handshake goes on, a plain HTTP request gets its 400, anything else a close. */
    @Override
    public void handleEvent(StreamSourceChannel source) {
        PooledByteBuffer pooled = buffers.allocate();
        boolean handedOn = false;
        try {
            ByteBuffer first = pooled.getBuffer();
            int read = source.read(first);
            if (read == 0) {
                return;
            }
            if (read < 0) {
                end(null);
                return;
            }
            first.flip();
            byte kind = first.get(0);
            if (kind == HANDSHAKE_RECORD) {
                handshake(pooled);
                handedOn = true;
            } else if (kind >= 'A' && kind <= 'Z') {
                answerPlainHttp();
            } else {
                end("the client did not start a TLS handshake");
            }
        } catch (IOException e) {
            end(reason(e));
        } finally {
            if (!handedOn) {
                pooled.close();
            }
        }
    }

    /** Puts the first bytes back under a TLS connection, whose handshake picks the protocol by ALPN. */
    private void handshake(PooledByteBuffer first) {
        PushBackStreamSourceConduit pushBack = new PushBackStreamSourceConduit(socket.getSourceChannel().getConduit());
        pushBack.pushBack(new PooledAdaptor(first));
        socket.getSourceChannel().setConduit(pushBack);
        SslConnection tls = settings.wrap(socket);
        tls.getSourceChannel().setConduit(new HandshakeWatch(tls.getSourceChannel().getConduit(), this));
        outermost = tls;
        ProtocolChoice.start(tls, buffers, http1, http2);
    }

    /**
     * nginx's answer to a plain request on an HTTPS port, then the end of the connection. What the client still
     * sends is read and dropped until it closes (or the deadline): closing with unread bytes would send a reset,
     * which can destroy the answer before the client reads it.
     */
    private void answerPlainHttp() throws IOException {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, socket.getPeerAddress() + ": plain HTTP request on a TLS listener, answered 400");
        }
        ConduitStreamSinkChannel sink = socket.getSinkChannel();
        ByteBuffer answer = PLAIN_HTTP_ANSWER.duplicate();
        sink.write(answer);
        if (answer.hasRemaining()) {
            // A fresh socket's send buffer takes 200 bytes at once; one that does not is not worth waiting for.
            end(null);
            return;
        }
        sink.shutdownWrites();
        sink.flush();
        socket.getSourceChannel().setReadListener(source -> {
            try {
                if (Channels.drain(source, Long.MAX_VALUE) < 0) {
                    end(null);
                }
            } catch (IOException e) {
                end(null);
            }
        });
        socket.getSourceChannel().resumeReads();
    }

    /**
     * The handshake is done: the deadline is off and the connection belongs to the chosen protocol's listener.
     *
     * @return false when the handshake had already ended (timed out, closed): the connection is closed then
     */
    boolean finish() {
        if (!over.compareAndSet(false, true)) {
            return false;
        }
        disarm();
        return true;
    }

    /**
     * Reading failed with {@code e} during the handshake: one line (unless the engine wrote it: a TLS failure), no
     * stack trace, and the connection closes.
     */
    void failed(IOException e) {
        end(e instanceof SSLException ? null : "TLS handshake failed: " + reason(e));
    }

    private void timedOut() {
        end("TLS handshake not completed in time");
    }

    /** Closes the connection, as a stopping listener closes its connections. */
    @Override
    public void close() {
        end(null);
    }

    /** Ends the handshake and closes the connection, logging {@code why} (null: nothing worth a line). */
    private void end(String why) {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        disarm();
        if (why != null && LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, socket.getPeerAddress() + ": " + why);
        }
        IoUtils.safeClose(outermost);
    }

    private void disarm() {
        XnioExecutor.Key key = deadline;
        if (key != null) {
            key.remove();
        }
        ended.accept(this);
    }

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
