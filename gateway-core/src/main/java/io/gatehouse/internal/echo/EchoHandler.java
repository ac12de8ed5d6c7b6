package io.gatehouse.internal.echo;

import io.gatehouse.internal.http.ErrorResponses;
import io.undertow.server.HttpHandler;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * Answers every request with its request line and headers as this handler received them, as plain text: a
 * diagnostic backend that shows what a proxy in front of it forwarded. The request body is read and dropped as
 * it arrives, never held; a body over the listener's limit gets 413.
 */
public final class EchoHandler implements HttpHandler {

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.getRequestReceiver().receivePartialBytes(
                (ex, chunk, last) -> {
                    if (last) {
                        respond(ex);
                    }
                },
                (ex, error) -> ErrorResponses.send(ex, error instanceof RequestTooBigException
                        ? StatusCodes.REQUEST_ENTITY_TOO_LARGE : StatusCodes.BAD_REQUEST));
    }

    private static void respond(HttpServerExchange exchange) {
        StringBuilder text = new StringBuilder(256);
        text.append(exchange.getRequestMethod()).append(' ').append(exchange.getRequestURI());
        if (!exchange.getQueryString().isEmpty()) {
            text.append('?').append(exchange.getQueryString());
        }
        text.append(' ').append(exchange.getProtocol()).append('\n');
        for (HeaderValues header : exchange.getRequestHeaders()) {
            for (String value : header) {
                text.append(header.getHeaderName()).append(": ").append(value).append('\n');
            }
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(text.toString());
    }
}
