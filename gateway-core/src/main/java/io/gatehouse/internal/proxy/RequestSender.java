package io.gatehouse.internal.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Transfer;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sends a codec's requests on one backend connection, one at a time: the encoded head, written without blocking
 * (waiting for the socket when it is full), then the client's body through the codec's framing, shut down and
 * flushed. Every {@link UpstreamCodec} sends this way; only the bytes differ between protocols.
 *
 * <p>A failure before the body is reported to the exchange now served, and to no other. Once the body streams, its
 * reports go to the exchange it belongs to even after that exchange let go of the codec: it ignores them, or
 * answers them, by its phase. One per connection, for its life; not thread-safe: it runs on the connection's IO
 * thread.
 */
final class RequestSender {

    /** How far the request is; only {@link #SENT} lets the connection be reused. */
    private enum Phase {
        HEAD,
        BODY,
        /** Head, body and framing are on the wire and flushed. */
        SENT
    }

    private final BackendConnection connection;
    private final Runnable headWritten;
    private final Runnable requestWritten;
    private Phase phase = Phase.SENT;
    private HttpServerExchange exchange;
    /** The exchange now served; null between requests and once it let go ({@link #release()}). */
    private UpstreamCodec.Listener listener;
    private StreamSinkConduit bodyFraming;

    /**
     * @param connection  the connection requests go out on
     * @param headWritten runs once a request's head is all written, before its body (a pooled head goes back)
     */
    RequestSender(BackendConnection connection, Runnable headWritten) {
        this(connection, headWritten, () -> { });
    }

    /**
     * @param connection     the connection requests go out on
     * @param headWritten    runs once a request's head is all written, before its body (a pooled head goes back)
     * @param requestWritten runs once a whole request is written and flushed, before the exchange hears of it
     */
    RequestSender(BackendConnection connection, Runnable headWritten, Runnable requestWritten) {
        this.connection = connection;
        this.headWritten = headWritten;
        this.requestWritten = requestWritten;
    }

    /**
     * Sends {@code head}, then the client's body through {@code bodyFraming}, a conduit over the connection's raw
     * sink; none when {@code bodyFraming} is null. {@code listener} hears {@code requestSent} once all of it is
     * flushed, as nginx's proxy_read_timeout starts only then, or why it failed.
     */
    void send(HttpServerExchange exchange, UpstreamCodec.Listener listener, ByteBuffer head,
              StreamSinkConduit bodyFraming) {
        this.exchange = exchange;
        this.listener = listener;
        this.bodyFraming = bodyFraming;
        phase = Phase.HEAD;
        writeHead(head);
    }

    /** The exchange let go: nothing more about the head is reported to it. */
    void release() {
        listener = null;
        exchange = null;
        bodyFraming = null;
    }

    /** Whether the last request is all on the wire, so the connection may carry another. */
    boolean sent() {
        return phase == Phase.SENT;
    }

    private void writeHead(ByteBuffer head) {
        ConduitStreamSinkChannel sink = connection.sink();
        try {
            while (head.hasRemaining()) {
                if (sink.write(head) == 0) {
                    UpstreamCodec.Listener waiting = listener;
                    sink.getWriteSetter().set(channel -> {
                        if (listener == waiting) {
                            writeHead(head);
                        }
                    });
                    sink.resumeWrites();
                    return;
                }
            }
        } catch (IOException e) {
            listener.brokeBeforeResponse("sending the request failed: " + ProxyLog.describe(e));
            return;
        }
        sink.getWriteSetter().set(null);
        headWritten.run();
        if (bodyFraming == null) {
            requestSent(listener);
            return;
        }
        phase = Phase.BODY;
        sink.setConduit(bodyFraming);
        UpstreamCodec.Listener to = listener;
        ChannelListener<StreamSinkChannel> finished = ShutdownAndFlush.then(() -> requestSent(to), e -> {
            if (listener == to) {
                to.brokeBeforeResponse("sending the request failed: " + ProxyLog.describe(e));
            }
        });
        StreamSourceChannel fromClient = exchange.getRequestChannel();
        Transfer.initiateTransfer(fromClient, sink, ChannelListeners.closingChannelListener(), finished,
                (channel, e) -> to.requestBodyFailed(e),
                (channel, e) -> to.requestBodyNotTaken(fromClient, e),
                exchange.getConnection().getByteBufferPool());
    }

    private void requestSent(UpstreamCodec.Listener to) {
        phase = Phase.SENT;
        requestWritten.run();
        if (listener == to) {
            to.requestSent();
        }
    }
}
