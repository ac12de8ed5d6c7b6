package io.gatehouse.internal.proxy;

import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One keep-alive connection to a backend, carrying one request at a time; its {@link UpstreamCodec}, made when it
 * opens, speaks the protocol on it. Every method runs on the connection's IO thread.
 *
 * <p>While no request is on it, reads stay on (so that taking a request on and off costs no system call) and any
 * byte or end of stream that arrives closes it: an idle backend has nothing to say, and a response nobody asked for
 * must never be read as the answer to the next request.
 */
final class BackendConnection {

    private final StreamConnection channel;
    private final StreamSourceConduit rawSource;
    private final StreamSinkConduit rawSink;
    /** Speaks the backend's protocol on this connection, for as long as it is open. */
    final UpstreamCodec codec;
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

    BackendConnection(StreamConnection channel, UpstreamCodec.Factory codecs) {
        this.channel = channel;
        this.rawSource = channel.getSourceChannel().getConduit();
        this.rawSink = channel.getSinkChannel().getConduit();
        this.codec = codecs.open(this);
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

    @Override
    public String toString() {
        return "connection to " + channel.getPeerAddress();
    }
}
