package io.gatehouse.internal.proxy;

import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One keep-alive HTTP/1.1 connection to a backend, carrying one request at a time; the {@link Forwarder} writes
 * the request head and reads the response head on it itself. Every method runs on the connection's IO thread.
 *
 * <p>While no request is on it, reads stay on (so that taking a request on and off costs no system call) and any
 * byte or end of stream that arrives closes it: an idle backend has nothing to say, and a response nobody asked for
 * must never be read as the answer to the next request.
 */
final class BackendConnection {

    private final StreamConnection channel;
    private final StreamSourceConduit rawSource;
    private final StreamSinkConduit rawSink;
    /** What the last response on this connection said, for the next one to reuse (see {@link ResponseHead}). */
    final ResponseHead.Recent recentValues = new ResponseHead.Recent();
    /** When its pool last put it among the idle connections ({@link System#nanoTime()}); kept by the pool. */
    long idleSince;

    private final ChannelListener<ConduitStreamSourceChannel> closeOnAnyInput = source -> {
        ByteBuffer probe = ByteBuffer.allocate(1);
        try {
            if (source.read(probe) == 0) {
                return;
            }
        } catch (IOException e) {
            // Reset by the backend: closed below all the same.
        }
        close();
    };

    BackendConnection(StreamConnection channel) {
        this.channel = channel;
        this.rawSource = channel.getSourceChannel().getConduit();
        this.rawSink = channel.getSinkChannel().getConduit();
        idle();
    }

    XnioIoThread ioThread() {
        return channel.getIoThread();
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Calls {@code listener} once the connection is closed, by either side. */
    void onClose(Runnable listener) {
        channel.getCloseSetter().set(closed -> listener.run());
    }

    /**
     * Closes the socket, sending nothing more: a request the client never finished stays unfinished for the
     * backend, which must discard it.
     */
    void close() {
        IoUtils.safeClose(channel);
    }

    /** The request and its response are complete: back to the raw conduits and the idle watch. */
    void idle() {
        ConduitStreamSourceChannel source = channel.getSourceChannel();
        if (source.getConduit() != rawSource) {
            source.setConduit(rawSource);
        }
        ConduitStreamSinkChannel sink = channel.getSinkChannel();
        if (sink.getConduit() != rawSink) {
            sink.setConduit(rawSink);
        }
        sink.getWriteSetter().set(null);
        source.setReadListener(closeOnAnyInput);
        if (!source.isReadResumed()) {
            source.resumeReads();
        }
    }

    StreamConnection channel() {
        return channel;
    }

    ConduitStreamSourceChannel source() {
        return channel.getSourceChannel();
    }

    ConduitStreamSinkChannel sink() {
        return channel.getSinkChannel();
    }

    StreamSourceConduit rawSource() {
        return rawSource;
    }

    StreamSinkConduit rawSink() {
        return rawSink;
    }

    /** A request body framed by Content-Length: ending it must not end the connection, as the raw socket would. */
    static StreamSinkConduit keepingOpen(StreamSinkConduit next) {
        return new AbstractStreamSinkConduit<>(next) {
            @Override
            public void terminateWrites() {
            }

            @Override
            public int writeFinal(ByteBuffer src) throws IOException {
                return next.write(src);
            }

            @Override
            public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
                return next.write(srcs, offs, len);
            }
        };
    }

    @Override
    public String toString() {
        return "connection to " + channel.getPeerAddress();
    }
}
