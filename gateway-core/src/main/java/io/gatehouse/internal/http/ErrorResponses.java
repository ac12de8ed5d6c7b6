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
