package io.gatehouse.internal.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

import java.util.List;
import java.util.Set;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never relayed: {@code Connection} and every
 * name it lists, {@code Keep-Alive}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade},
 * {@code Proxy-Authorization}, {@code Proxy-Authenticate} and {@code Proxy-Connection}.
 *
 * <p>As a handler it strips the fixed names from the request before it is forwarded; a WebSocket upgrade keeps
 * {@code Upgrade: websocket} and {@code Connection: Upgrade} (the backend must see them to switch protocols). The
 * names the client's {@code Connection} lists were removed earlier, from what the client sent, by
 * {@link ClientHeaders}: removing them here would also remove what a route or the gateway set under those names.
 * {@link #nominated} is that rule: {@code Host} and {@code Content-Length} survive being listed, because routing and
 * body framing depend on them. (On a gateway's own listener, a request with both Transfer-Encoding and
 * Content-Length never gets here: the guard answers it 400.) The forwarder frames the body toward the backend itself.
 *
 * <p>{@link #copyEndToEnd} applies the same rule to a backend's response on its way to the client.
 */
final class HopByHop implements HttpHandler {

    private static final Set<HttpString> ALWAYS = Set.of(
            Headers.CONNECTION, Headers.KEEP_ALIVE, Headers.TE, Headers.TRAILER, Headers.TRANSFER_ENCODING,
            Headers.UPGRADE, Headers.PROXY_AUTHORIZATION, Headers.PROXY_AUTHENTICATE, new HttpString("Proxy-Connection"));

    /** Names a client may not cancel by listing them in Connection. */
    private static final Set<HttpString> PROTECTED = Set.of(Headers.HOST, Headers.CONTENT_LENGTH);

    private static final String WEBSOCKET = "websocket";

    private final HttpHandler next;

    HopByHop(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderMap headers = exchange.getRequestHeaders();
        boolean webSocket = isWebSocketUpgrade(exchange);
        strip(headers);
        if (webSocket) {
            headers.put(Headers.UPGRADE, WEBSOCKET);
            headers.put(Headers.CONNECTION, Headers.UPGRADE_STRING);
        }
        next.handleRequest(exchange);
    }

    /**
     * Copies a backend response's end-to-end headers into {@code to}. With {@code switchingToWebSocket} (a 101
     * answer to a WebSocket upgrade) {@code Upgrade: websocket} and {@code Connection: Upgrade} are kept.
     */
    static void copyEndToEnd(ResponseHead from, HeaderMap to, boolean switchingToWebSocket) {
        for (int i = 0; i < from.fields(); i++) {
            HttpString name = from.name(i);
            if (!ALWAYS.contains(name) && !lists(from.connection(), name)) {
                to.add(name, from.value(i));
            }
        }
        if (switchingToWebSocket) {
            to.put(Headers.UPGRADE, WEBSOCKET);
            to.put(Headers.CONNECTION, Headers.UPGRADE_STRING);
        }
    }

    /**
     * Whether {@code name} is one of the fixed hop-by-hop names, which a response relayed to a client never carries.
     */
    static boolean fixed(HttpString name) {
        return ALWAYS.contains(name);
    }

    /**
     * A GET asking to switch to {@code websocket} and nothing else, with {@code upgrade} among its Connection options,
     * on a connection that stays open (HTTP/1.1 without {@code close}): Undertow never switches a connection it is
     * about to close, so on any other the backend must not be asked to switch either.
     */
    static boolean isWebSocketUpgrade(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getRequestHeaders();
        HeaderValues upgrade = headers.get(Headers.UPGRADE);
        return Methods.GET.equals(exchange.getRequestMethod()) && exchange.isPersistent()
                && upgrade != null && upgrade.size() == 1 && WEBSOCKET.equalsIgnoreCase(upgrade.getFirst().trim())
                && lists(headers.get(Headers.CONNECTION), Headers.UPGRADE);
    }

    private static void strip(HeaderMap headers) {
        for (HttpString name : ALWAYS) {
            headers.remove(name);
        }
    }

    /**
     * Whether a client's request header {@code name} goes because its {@code connection} (the values of its
     * Connection header, or null) lists it: not Host or Content-Length, and not a fixed hop-by-hop name, which
     * {@link #strip} removes anyway and which a WebSocket upgrade needs until then.
     */
    static boolean nominated(List<String> connection, HttpString name) {
        return connection != null && !ALWAYS.contains(name) && !PROTECTED.contains(name) && lists(connection, name);
    }

    /** Whether {@code connection} (the values of a Connection header, or null) lists {@code name}. */
    static boolean lists(List<String> connection, HttpString name) {
        if (connection == null) {
            return false;
        }
        for (int i = 0; i < connection.size(); i++) {
            if (lists(connection.get(i), name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether one Connection field's {@code value} lists {@code name}. Walks the value in place: backends send
     * {@code Connection: keep-alive} with nearly every response, and this runs for each of its header fields.
     */
    private static boolean lists(String value, HttpString name) {
        String wanted = name.toString();
        int from = 0;
        while (from <= value.length()) {
            int comma = value.indexOf(',', from);
            int end = comma < 0 ? value.length() : comma;
            int start = from;
            while (start < end && value.charAt(start) <= ' ') {
                start++;
            }
            while (end > start && value.charAt(end - 1) <= ' ') {
                end--;
            }
            if (end - start == wanted.length() && value.regionMatches(true, start, wanted, 0, wanted.length())) {
                return true;
            }
            from = (comma < 0 ? value.length() : comma) + 1;
        }
        return false;
    }
}
