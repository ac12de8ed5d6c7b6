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

    public static void set(HttpServerExchange exchange, String originForm) {
        exchange.putAttachment(KEY, originForm);
    }

    /** The target a route chose, or {@code null}. */
    public static String of(HttpServerExchange exchange) {
        return exchange.getAttachment(KEY);
    }
}
