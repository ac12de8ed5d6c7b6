package io.gatehouse.internal.vhosts;

import io.gatehouse.internal.http.ErrorResponses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import io.undertow.util.StatusCodes;

/**
 * Picks the virtual host of a request among those bound to one listener.
 *
 * <p>Contract: the host comes from the absolute-form request target when there is one (RFC 9112 §3.2.2, and the
 * Host header is then rewritten to match, so nothing behind this handler can see two different hosts),
 * otherwise from the single Host header. Then:
 * <ul>
 *   <li>CONNECT: 405 — Gatehouse is never a forward proxy.</li>
 *   <li>no Host on HTTP/1.1, more than one Host header, or a host that is not a valid name: 400.</li>
 *   <li>a host no vhost of this listener serves: 421 when a vhost on another listener serves it
 *       (the client reached the wrong door), else 404. Such a request never reaches a backend.</li>
 * </ul>
 * Every error response closes the connection when the request body has not been read, so an unread body can
 * never be parsed as the next request.
 */
public final class HostRouter implements HttpHandler {

    private final HostTable<VhostRoute> bound;
    private final HostTable<?> servedElsewhere;

    /**
     * @param bound           vhosts by host pattern, for the vhosts bound to this listener
     * @param servedElsewhere host patterns of every vhost of the gateway, to tell 421 from 404
     */
    public HostRouter(HostTable<VhostRoute> bound, HostTable<?> servedElsewhere) {
        this.bound = bound;
        this.servedElsewhere = servedElsewhere;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getRequestMethod().equals(Methods.CONNECT)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH");
            ErrorResponses.send(exchange, StatusCodes.METHOD_NOT_ALLOWED);
            return;
        }
        String authority = authorityOf(exchange);
        String host = authority == null ? null : authority.isEmpty() ? "" : HostNames.normalise(authority);
        if (host == null) {
            ErrorResponses.send(exchange, StatusCodes.BAD_REQUEST);
            return;
        }
        VhostRoute vhost = bound.match(host);
        if (vhost == null) {
            ErrorResponses.send(exchange, servedElsewhere.match(host) != null
                    ? ErrorResponses.MISDIRECTED_REQUEST : StatusCodes.NOT_FOUND);
            return;
        }
        RequestHost.attach(exchange, host);
        vhost.serve(exchange);
    }

    /** The request's authority, or {@code null} when it has none it may be routed by. */
    private static String authorityOf(HttpServerExchange exchange) {
        HeaderValues hostHeaders = exchange.getRequestHeaders().get(Headers.HOST);
        if (hostHeaders != null && hostHeaders.size() > 1) {
            return null;
        }
        if (exchange.isHostIncludedInRequestURI()) {
            String authority = authorityOfAbsoluteTarget(exchange.getRequestURI());
            if (authority != null) {
                exchange.getRequestHeaders().put(Headers.HOST, authority);
            }
            return authority;
        }
        String host = hostHeaders == null ? null : hostHeaders.getFirst();
        if (host == null) {
            // HTTP/1.0 may omit Host and then only a catch-all vhost can serve it; HTTP/1.1 must send one.
            return exchange.getProtocol().equals(Protocols.HTTP_1_1) ? null : "";
        }
        return host;
    }

    private static String authorityOfAbsoluteTarget(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd < 0) {
            return null;
        }
        int start = schemeEnd + 3;
        int end = uri.indexOf('/', start);
        String authority = end < 0 ? uri.substring(start) : uri.substring(start, end);
        return authority.indexOf('@') >= 0 ? null : authority;
    }
}
