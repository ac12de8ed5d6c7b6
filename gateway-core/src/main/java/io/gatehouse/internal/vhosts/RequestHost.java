package io.gatehouse.internal.vhosts;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;


/**
 * The host a request was routed by: lower case, without port or trailing dot. The host router attaches it
 * once per request; handlers read it here instead of parsing the Host header again.
 */
public final class RequestHost {

    static final AttachmentKey<String> KEY = AttachmentKey.create(String.class);

    private RequestHost() {
    }

    /**
     * The routed host, or when no router ran (a handler used on its own), the Host header normalised the same way.
     *
     * @param exchange a request
     * @return the host, or {@code ""} when the request has no valid one
     */
    public static String of(HttpServerExchange exchange) {
        String host = exchange.getAttachment(KEY);
        if (host != null) {
            return host;
        }
        String normalised = HostNames.normalise(exchange.getHostName());
        return normalised == null ? "" : normalised;
    }

    static void attach(HttpServerExchange exchange, String host) {
        exchange.putAttachment(KEY, host);
    }
}
