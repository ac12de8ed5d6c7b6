package io.gatehouse.internal.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * The request target (origin form: path and optional query) a request is to be proxied with, when a route chose
 * one ({@code proxy.path}, {@code proxy.stripPrefix}). Without it the proxy passes the client's own target on.
 * Whoever sets it has made it safe: percent-encoded, starting with one slash, no dot segments.
 */
public final class ProxyTarget {

    private static final AttachmentKey<String> KEY = AttachmentKey.create(String.class);

    private ProxyTarget() {
    }

    /**
     * Sets the target the proxy sends instead of the client's. Set by the route chain, read by the proxy.
     *
     * @param exchange   the request being routed
     * @param originForm a safe origin-form target (see the class comment); not checked here
     */
    public static void set(HttpServerExchange exchange, String originForm) {
        exchange.putAttachment(KEY, originForm);
    }

    /**
     * The target a route chose.
     *
     * @param exchange the request being proxied
     * @return the origin-form target, or {@code null} when the client's own target is to be passed on
     */
    public static String of(HttpServerExchange exchange) {
        return exchange.getAttachment(KEY);
    }
}
