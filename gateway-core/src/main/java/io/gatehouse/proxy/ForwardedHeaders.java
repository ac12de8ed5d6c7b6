package io.gatehouse.proxy;

import io.gatehouse.config.ForwardedConfig;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Sets the headers that tell the backend who asked and how, before the request is forwarded.
 *
 * <p>The decision rests on the TCP peer (never on a header): a peer inside {@code forwarded.trusted} is another proxy
 * whose claims are believed and extended; any other peer is a client whose claims are discarded.
 * <ul>
 *   <li>{@code X-Forwarded-For}: trusted peer: its chain (several lines joined in order) plus the peer address;
 *       otherwise the peer address alone.</li>
 *   <li>{@code X-Forwarded-Host}, {@code -Proto}, {@code -Port}: trusted peer: kept when present, else set;
 *       otherwise always set, to the client's Host header, the listener's scheme and the listener's local port.</li>
 *   <li>{@code Forwarded}, {@code X-Real-IP}, {@code X-Forwarded-Server}: removed unless the peer is trusted.</li>
 *   <li>{@code Via}: the received protocol version and {@code gatehouse} appended (RFC 9110 §7.6.3).</li>
 * </ul>
 * A value that would carry a control character (CR, LF, NUL …) is never forwarded: a kept value that contains one is
 * treated as absent and replaced by Gatehouse's own, so nothing can split the request toward the backend.
 */
final class ForwardedHeaders implements HttpHandler {

    static final HttpString X_REAL_IP = new HttpString("X-Real-IP");
    private static final String VIA_NAME = "gatehouse";
    private static final List<HttpString> BELIEVED_ONLY_FROM_TRUSTED = List.of(Headers.FORWARDED, X_REAL_IP, Headers.X_FORWARDED_SERVER);

    private final ForwardedConfig config;
    private final HttpHandler next;

    ForwardedHeaders(ForwardedConfig config, HttpHandler next) {
        this.config = config;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        InetSocketAddress peer = exchange.getConnection().getPeerAddress(InetSocketAddress.class);
        InetAddress peerAddress = peer == null ? null : peer.getAddress();
        boolean trusted = peerAddress != null && config.isTrusted(peerAddress);
        HeaderMap headers = exchange.getRequestHeaders();

        String peerIp = peerAddress == null ? "unknown" : withoutScope(peerAddress.getHostAddress());
        String chain = trusted ? joined(headers, Headers.X_FORWARDED_FOR) : null;
        headers.put(Headers.X_FORWARDED_FOR, chain == null ? peerIp : chain + ", " + peerIp);

        String host = headers.getFirst(Headers.HOST);
        keepOrSet(headers, Headers.X_FORWARDED_HOST, trusted, host == null || !isSafe(host) ? null : host);
        keepOrSet(headers, Headers.X_FORWARDED_PROTO, trusted, exchange.getRequestScheme());
        InetSocketAddress local = exchange.getConnection().getLocalAddress(InetSocketAddress.class);
        keepOrSet(headers, Headers.X_FORWARDED_PORT, trusted, local == null ? null : Integer.toString(local.getPort()));

        for (HttpString name : BELIEVED_ONLY_FROM_TRUSTED) {
            if (!trusted || !allSafe(headers.get(name))) {
                headers.remove(name);
            }
        }

        String via = viaProtocol(exchange.getProtocol()) + " " + VIA_NAME;
        String previousVia = joined(headers, Headers.VIA);
        headers.put(Headers.VIA, previousVia == null ? via : previousVia + ", " + via);

        next.handleRequest(exchange);
    }

    private static void keepOrSet(HeaderMap headers, HttpString name, boolean trusted, String ours) {
        if (trusted && headers.contains(name) && allSafe(headers.get(name))) {
            return;
        }
        if (ours == null) {
            headers.remove(name);
        } else {
            headers.put(name, ours);
        }
    }

    /** All lines of a header joined with ", " (RFC 9110 §5.3), or null when absent, empty or unsafe. */
    private static String joined(HeaderMap headers, HttpString name) {
        HeaderValues values = headers.get(name);
        if (values == null || !allSafe(values)) {
            return null;
        }
        String joined = String.join(", ", values).trim();
        return joined.isEmpty() ? null : joined;
    }

    private static boolean allSafe(HeaderValues values) {
        if (values != null) {
            for (String value : values) {
                if (!isSafe(value)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when the value has no control character other than horizontal tab. */
    static boolean isSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String withoutScope(String address) {
        int percent = address.indexOf('%');
        return percent < 0 ? address : address.substring(0, percent);
    }

    private static String viaProtocol(HttpString protocol) {
        if (Protocols.HTTP_1_0.equals(protocol)) {
            return "1.0";
        }
        if (Protocols.HTTP_2_0.equals(protocol)) {
            return "2";
        }
        return "1.1";
    }
}
