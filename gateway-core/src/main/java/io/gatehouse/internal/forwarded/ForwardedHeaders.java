package io.gatehouse.internal.forwarded;

import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.ForwardedConfig.Emit;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Sets the headers that tell the backend who asked and how, just before a request is forwarded; part of the proxy's
 * handler chain, after the client's headers are cleaned (the proxy's {@code ClientHeaders}: the names a client lists
 * in {@code Connection} are removed from what it sent, so it cannot cancel these by listing them there).
 *
 * <p>Trust rests on the TCP peer (never on a header): a peer inside {@code forwarded.trusted} is another proxy whose
 * claims are believed and extended; any other peer is a client whose claims are discarded. The rule for every header
 * below: a family Gatehouse emits is set by Gatehouse; a header it does not emit is passed through from a trusted
 * peer and removed from anyone else's request.
 * <ul>
 *   <li>{@code X-Forwarded-For} (family {@code x-forwarded}): trusted peer: its chain (several lines joined in order)
 *       plus the peer address; otherwise the peer address alone. This is the chain {@link ClientAddress} walks, so a
 *       backend walking it with the same trust list finds the same client.</li>
 *   <li>{@code X-Forwarded-Host}, {@code -Proto}, {@code -Port} ({@code x-forwarded}): trusted peer: kept when present,
 *       else set; otherwise always set, to the client's Host header, the listener's scheme and local port.</li>
 *   <li>{@code Forwarded} ({@code rfc7239}): trusted peer: its elements, checked and re-serialised (a malformed header
 *       is dropped whole), plus {@code for=<peer>;host=<Host>;proto=<scheme>}; otherwise that element alone.</li>
 *   <li>{@code X-Real-IP}: with {@code forwarded.realIpHeader}, the resolved client address.</li>
 *   <li>{@code X-Forwarded-Server}: passed from trusted peers only.</li>
 *   <li>{@code X-Request-Id}: always {@link RequestId#of the request's id}.</li>
 *   <li>{@code Via}: the received protocol version and {@code gatehouse} appended (RFC 9110 §7.6.3).</li>
 * </ul>
 * No control character (CR, LF, NUL …) is ever forwarded in these headers: a received value with one is treated as
 * absent and replaced by Gatehouse's own, and every value Gatehouse writes is built from checked parts.
 */
public final class ForwardedHeaders implements HttpHandler {

    static final HttpString X_REAL_IP = new HttpString("X-Real-IP");
    private static final String VIA_HTTP_1_0 = "1.0 gatehouse";
    private static final String VIA_HTTP_1_1 = "1.1 gatehouse";
    private static final String VIA_HTTP_2 = "2 gatehouse";
    private static final List<HttpString> X_FORWARDED_FAMILY = List.of(
            Headers.X_FORWARDED_FOR, Headers.X_FORWARDED_HOST, Headers.X_FORWARDED_PROTO, Headers.X_FORWARDED_PORT);

    private final ForwardedConfig config;
    private final HttpHandler next;

    /**
     * Public for the proxy, which puts this step in front of its forwarder.
     *
     * @param config which families to emit and whom to trust
     * @param next   the handler that forwards the request
     */
    public ForwardedHeaders(ForwardedConfig config, HttpHandler next) {
        this.config = config;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ClientAddress.Resolved origin = ClientAddress.resolve(exchange, config);
        boolean trusted = origin.peerTrusted();
        HeaderMap headers = exchange.getRequestHeaders();
        String peerText = origin.peer() == null ? "unknown" : ClientAddress.peerText(exchange);
        String host = headers.getFirst(Headers.HOST);
        host = host == null || !HeaderText.isSafe(host) ? null : host;

        if (config.emits(Emit.X_FORWARDED)) {
            String chain = trusted ? HeaderText.joined(headers, Headers.X_FORWARDED_FOR) : null;
            headers.put(Headers.X_FORWARDED_FOR, chain == null ? peerText : chain + ", " + peerText);
            keepOrSet(headers, Headers.X_FORWARDED_HOST, trusted, host);
            keepOrSet(headers, Headers.X_FORWARDED_PROTO, trusted, exchange.getRequestScheme());
            InetSocketAddress local = exchange.getConnection().getLocalAddress(InetSocketAddress.class);
            keepOrSet(headers, Headers.X_FORWARDED_PORT, trusted, local == null ? null : Integer.toString(local.getPort()));
        } else {
            X_FORWARDED_FAMILY.forEach(name -> passFromTrustedOnly(headers, name, trusted));
        }

        if (config.emits(Emit.RFC7239)) {
            String received = trusted ? Rfc7239.normalised(HeaderText.joined(headers, Headers.FORWARDED)) : null;
            String ours = Rfc7239.element(origin.peer(), host, exchange.getRequestScheme());
            headers.put(Headers.FORWARDED, received == null ? ours : received + ", " + ours);
        } else {
            passFromTrustedOnly(headers, Headers.FORWARDED, trusted);
        }

        if (config.realIpHeader() && origin.client() != null) {
            headers.put(X_REAL_IP, ClientAddress.clientText(exchange));
        } else {
            passFromTrustedOnly(headers, X_REAL_IP, trusted && !config.realIpHeader());
        }
        passFromTrustedOnly(headers, Headers.X_FORWARDED_SERVER, trusted);
        headers.put(RequestId.HEADER, RequestId.resolve(exchange, config));

        String via = via(exchange.getProtocol());
        String previousVia = HeaderText.joined(headers, Headers.VIA);
        headers.put(Headers.VIA, previousVia == null ? via : previousVia + ", " + via);

        next.handleRequest(exchange);
    }

    private static void keepOrSet(HeaderMap headers, HttpString name, boolean trusted, String ours) {
        if (trusted && headers.contains(name) && HeaderText.allSafe(headers.get(name))) {
            return;
        }
        if (ours == null) {
            headers.remove(name);
        } else {
            headers.put(name, ours);
        }
    }

    private static void passFromTrustedOnly(HeaderMap headers, HttpString name, boolean trusted) {
        if (!trusted || !HeaderText.allSafe(headers.get(name))) {
            headers.remove(name);
        }
    }

    /** This hop's {@code Via} element: the received protocol version and our name, built once, not per request. */
    private static String via(HttpString protocol) {
        if (Protocols.HTTP_1_0.equals(protocol)) {
            return VIA_HTTP_1_0;
        }
        if (Protocols.HTTP_2_0.equals(protocol)) {
            return VIA_HTTP_2;
        }
        return VIA_HTTP_1_1;
    }
}
