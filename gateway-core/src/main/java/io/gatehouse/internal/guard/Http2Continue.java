package io.gatehouse.internal.guard;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@code Expect: 100-continue} on an HTTP/2 stream: the {@code 100} is sent when the handler first reads the body,
 * as over HTTP/1.1 (never for a request answered without reading it), and the read goes on without waiting for the
 * {@code 100} to be written. Frames of one stream leave in the order they were queued, so the {@code 100} still
 * precedes the final response.
 *
 * <p>Why not Undertow's {@code HttpContinueReadHandler}, which HTTP/1.1 keeps: its reads answer 0 until the
 * {@code 100} is written. Over HTTP/2 a client may send the body without waiting for the {@code 100} (RFC 9110
 * section 10.1.1), and a stream holding DATA is readable, so Undertow 2.4.4 calls the reader again at once, in a
 * loop that never lets the IO thread write the {@code 100}: one such request kept an IO thread busy for good and
 * stalled every connection on it.
 */
final class Http2Continue extends ReadThroughConduit {

    private final HttpServerExchange exchange;
    private boolean sent;

    private Http2Continue(StreamSourceConduit next, HttpServerExchange exchange) {
        super(next);
        this.exchange = exchange;
    }

    /** Wraps the body of {@code exchange}, an HTTP/2 request, when it expects a {@code 100 Continue}. */
    static void onFirstRead(HttpServerExchange exchange) {
        if (HttpContinue.requiresContinueResponse(exchange)) {
            exchange.addRequestWrapper((factory, ignored) -> new Http2Continue(factory.create(), exchange));
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!sent) {
            sent = true;
            if (HttpContinue.requiresContinueResponse(exchange)) {
                // Queued on the connection, written when the connection can; whether it went out yet is not asked.
                HttpContinue.createResponseSender(exchange).send();
            }
        }
        return next.read(dst);
    }
}
