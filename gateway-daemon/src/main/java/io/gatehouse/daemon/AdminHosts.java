package io.gatehouse.daemon;

import io.gatehouse.config.AdminConfig;
import io.gatehouse.internal.forwarded.IpLiteral;
import io.gatehouse.internal.vhosts.HostNames;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Host names the admin listener answers, so that a page in an operator's browser whose own name was made to
 * resolve to the admin address (DNS rebinding) cannot read {@code /config} or {@code /metrics}: the page's requests
 * carry its own name as Host. Accepted, with or without a port:
 * <ul>
 *   <li>{@code localhost}, {@code 127.0.0.1} and {@code [::1]};</li>
 *   <li>the address the connection arrived on, as an IP literal, and the name {@code admin.listen} binds, if a
 *       name;</li>
 *   <li>{@code admin.hosts}: exact names, {@code *.suffix}, or {@code *} for any;</li>
 *   <li>no Host at all in HTTP/1.0 (health checkers send none; a browser always sends one).</li>
 * </ul>
 * Like the Host check of Caddy's admin endpoint, anything else is the caller's to answer with 403.
 */
final class AdminHosts {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final List<String> patterns;

    AdminHosts(AdminConfig admin) {
        List<String> all = new ArrayList<>(admin.hosts());
        admin.listen().map(listen -> HostNames.normalise(listen.host()))
                .filter(host -> IpLiteral.parse(host) == null)
                .ifPresent(all::add);
        this.patterns = List.copyOf(all);
    }

    /** Whether the request's Host is one the admin listener answers. */
    boolean accepts(HttpServerExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (header == null) {
            return exchange.getProtocol().equals(Protocols.HTTP_1_0);
        }
        String host = HostNames.normalise(header.trim());
        if (host == null) {
            return false;
        }
        if (LOOPBACK.contains(host) || isArrivalAddress(host, exchange.getDestinationAddress())) {
            return true;
        }
        for (String pattern : patterns) {
            if (pattern.equals("*") || pattern.equals(host)
                    || (pattern.startsWith("*.") && host.endsWith(pattern.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code host} is the IP literal of the address the connection arrived on. Parsed strictly and never
     * looked up: this runs on the admin listener's only IO thread, and a Host such as {@code 1.2.3.4.5} must not
     * become a DNS query there.
     */
    private static boolean isArrivalAddress(String host, InetSocketAddress local) {
        InetAddress literal = IpLiteral.parse(host);
        return literal != null && local != null && literal.equals(local.getAddress());
    }
}
