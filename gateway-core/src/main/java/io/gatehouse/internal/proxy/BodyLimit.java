package io.gatehouse.internal.proxy;

import io.gatehouse.internal.guard.MountedHttp2Body;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Protocols;
import io.undertow.util.StatusCodes;

/**
 * Enforces {@code limits.maxBody} on proxied request bodies where no guard of a gateway's own listener did: in a
 * gateway mounted in another server, or a {@link ReverseProxy} used on its own. (On its own listeners the guard
 * answers 413 to a declared Content-Length above the limit before any handler runs, and to a chunked body as it
 * passes the limit.) A declared Content-Length above the limit is answered 413 at once, before any backend is
 * contacted, and the client connection is closed rather than drained. Setting the limit on the exchange also lifts
 * Undertow's 2 MiB default ({@code UndertowOptions.MAX_ENTITY_SIZE}) for bodies with a Content-Length. A chunked
 * body is limited by the server's {@code MAX_ENTITY_SIZE}, which Undertow 2.4.4 reads when it parses the request
 * head; past it Undertow closes the client connection (no 413 can be sent), which is why embedding.md asks a server
 * that mounts the gateway to set that option. An HTTP/2 body is counted as it is read, by the front door's guard
 * on a gateway's own listeners and by {@link MountedHttp2Body} elsewhere: past the limit the proxy answers 413.
 */
final class BodyLimit implements HttpHandler {

    private final long maxBody;
    private final ProxyLog log;
    private final HttpHandler next;

    BodyLimit(long maxBody, ProxyLog log, HttpHandler next) {
        this.maxBody = maxBody;
        this.log = log;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getRequestContentLength() > maxBody) {
            log.failure(exchange, null, StatusCodes.REQUEST_ENTITY_TOO_LARGE,
                    "declared Content-Length exceeds limits.maxBody " + maxBody);
            exchange.setPersistent(false);
            exchange.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
            exchange.endExchange();
            return;
        }
        if (!exchange.getProtocol().equals(Protocols.HTTP_2_0)) {
            exchange.setMaxEntitySize(maxBody);
        } else {
            // Over HTTP/2 Undertow would enforce it by closing the stream, which reads as the end of the body: a
            // truncated body forwarded as complete. The body is counted as it is read instead.
            MountedHttp2Body.limit(exchange, maxBody);
        }
        next.handleRequest(exchange);
    }
}
