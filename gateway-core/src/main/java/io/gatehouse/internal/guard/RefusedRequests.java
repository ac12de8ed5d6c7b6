package io.gatehouse.internal.guard;

import io.gatehouse.internal.http.ErrorResponses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * Answers the requests the front door refused before Undertow parsed them (their stand-ins, marked by the
 * {@link GuardHandler}), with the refusal's status and a closed connection. It sits inside the handler tree, behind
 * the access log and the metrics, so refused requests are logged and counted like any other; nothing behind it ever
 * sees one. Every other request goes to {@code next}.
 */
public final class RefusedRequests implements HttpHandler {

    private static final AttachmentKey<Rejection> REFUSED = AttachmentKey.create(Rejection.class);

    private final HttpHandler next;

    /**
     * Public for the handler tree in {@code io.gatehouse}; outside a guarded listener no request is marked and this
     * handler only passes requests on.
     *
     * @param next the rest of the tree, which never sees a refused request
     */
    public RefusedRequests(HttpHandler next) {
        this.next = next;
    }

    /**
     * Whether {@code exchange} stands in for a request the front door refused (its line and headers are not the
     * client's, so a log or a metric must not report them as such).
     *
     * @param exchange a request
     * @return whether it is a refusal's stand-in
     */
    public static boolean isRefused(HttpServerExchange exchange) {
        return exchange.getAttachment(REFUSED) != null;
    }

    static void mark(HttpServerExchange exchange, Rejection rejection) {
        exchange.putAttachment(REFUSED, rejection);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Rejection refused = exchange.getAttachment(REFUSED);
        if (refused == null) {
            next.handleRequest(exchange);
            return;
        }
        exchange.setPersistent(false);
        ErrorResponses.send(exchange, refused.status());
    }
}
