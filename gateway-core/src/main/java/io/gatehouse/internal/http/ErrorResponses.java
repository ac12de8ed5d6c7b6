package io.gatehouse.internal.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;

/**
 * Short plain-text error answers, the same everywhere in Gatehouse: {@code "404 Not Found\n"}. A response
 * sent before the request body was read closes the connection, so the unread bytes can never be taken for
 * the next request.
 */
public final class ErrorResponses {

    /** RFC 9110's 421, which Undertow's status table does not name. */
    public static final int MISDIRECTED_REQUEST = 421;
    private static final String MISDIRECTED_REASON = "Misdirected Request";

    private ErrorResponses() {
    }

    /**
     * Answers {@code status} with {@code "<status> <reason>\n"} as {@code text/plain}, ending the exchange. When the
     * request body has not been read to its end the connection is marked not persistent. When a response has already
     * started nothing can be said any more, so the connection is closed instead (the client sees a truncated
     * response, never a second one). Runs on the IO thread or a worker thread; never throws for a bad status.
     *
     * @param exchange the exchange to end
     * @param status   an HTTP status code; 421 gets its RFC 9110 reason phrase
     */
    public static void send(HttpServerExchange exchange, int status) {
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        exchange.setStatusCode(status);
        if (status == MISDIRECTED_REQUEST) {
            exchange.setReasonPhrase(MISDIRECTED_REASON);
        }
        if (!exchange.isRequestComplete()) {
            exchange.setPersistent(false);
        }
        String body = status + " " + reason(status) + "\n";
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(body);
    }

    private static String reason(int status) {
        return status == MISDIRECTED_REQUEST ? MISDIRECTED_REASON : StatusCodes.getReason(status);
    }
}
