package io.gatehouse.internal.tls;

import io.gatehouse.internal.vhosts.RequestHost;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * A vhost's {@code tls.redirect} on a plain listener: every request is sent to the same host, path and query over
 * HTTPS, {@code https://host[:port]/path?query}, as received (the port is the vhost's TLS listener's, left out when
 * 443). {@code 301 Moved Permanently} for GET and HEAD, {@code 308 Permanent Redirect} otherwise, so that a client
 * repeats a POST as a POST with its body (a 301 lets it turn into a GET). Requests under
 * {@code /.well-known/acme-challenge/} are served as if there were no redirect: a certificate authority checks
 * a domain over plain HTTP (ACME's http-01), also while the site has no certificate yet. The response has no body
 * and, when the request body was not read, closes the connection. Thread-safe.
 */
public final class HttpsRedirect implements HttpHandler {

    private static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";

    private final String portSuffix;
    private final HttpHandler next;

    /**
     * Public for the handler tree in {@code io.gatehouse}.
     *
     * @param tlsPort the port of the vhost's TLS listener
     * @param next    the vhost's handler, which serves the ACME challenge path
     */
    public HttpsRedirect(int tlsPort, HttpHandler next) {
        this.portSuffix = tlsPort == 443 ? "" : ":" + tlsPort;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getRequestPath().startsWith(ACME_CHALLENGE)) {
            next.handleRequest(exchange);
            return;
        }
        // The routed host: lower case, without its port, an IPv6 literal in brackets.
        StringBuilder location = new StringBuilder(64).append("https://").append(RequestHost.of(exchange))
                .append(portSuffix).append(originForm(exchange));
        String query = exchange.getQueryString();
        if (!query.isEmpty()) {
            location.append('?').append(query);
        }
        boolean safe = exchange.getRequestMethod().equals(Methods.GET) || exchange.getRequestMethod().equals(Methods.HEAD);
        exchange.setStatusCode(safe ? 301 : 308);
        exchange.getResponseHeaders().put(Headers.LOCATION, location.toString());
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        if (!exchange.isRequestComplete()) {
            exchange.setPersistent(false);
        }
        exchange.endExchange();
    }

    /** The path as the client wrote it, still percent-encoded, without an absolute-form target's scheme and host. */
    private static String originForm(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (!exchange.isHostIncludedInRequestURI()) {
            return uri;
        }
        int path = uri.indexOf('/', uri.indexOf("://") + 3);
        return path < 0 ? "/" : uri.substring(path);
    }
}
