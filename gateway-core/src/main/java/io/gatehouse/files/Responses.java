package io.gatehouse.files;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/** Short plain-text status answers, so a client sees why without any server detail. */
final class Responses {

    private Responses() {
    }

    /** Ends the exchange with {@code status} and a body of one line, e.g. {@code 404 Not Found}. */
    static void status(HttpServerExchange exchange, int status) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(status + " " + StatusCodes.getReason(status) + "\n");
    }
}
