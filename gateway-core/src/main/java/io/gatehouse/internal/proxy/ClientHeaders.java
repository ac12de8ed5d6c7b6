package io.gatehouse.internal.proxy;

import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.internal.forwarded.ClientAddress;
import io.gatehouse.internal.http.HeaderNames;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Removes from the client's request what must never reach a backend, once, before a route's header rules run, so
 * that whatever the route and the gateway set afterwards always arrives:
 * <ul>
 *   <li>the headers the client's {@code Connection} lists (RFC 9110 §7.6.1; the fixed hop-by-hop names, Host and
 *       Content-Length are left to {@link HopByHop} and the framing);</li>
 *   <li>with {@code forwarded.underscoresInHeaders: drop} (the default) every header with {@code _} in its name, as
 *       nginx and Apache httpd do; with {@code keep}, only those that are a {@code _} spelling of a header the
 *       forwarded policy manages ({@link ForwardedConfig#POLICY_HEADERS} and the stripped names below);</li>
 *   <li>from a peer outside {@code forwarded.trusted}, the client-address, scheme and URL headers of
 *       {@link ForwardedConfig#strippedFromUntrusted()}. A trusted proxy's pass through: they are its to set.</li>
 * </ul>
 * The gateway runs it at the root of each listener and mounts its proxies {@link ReverseProxy#afterClientHeaders()
 * after it}; a {@link ReverseProxy} mounted on its own runs it first. It must run once per request: run again after
 * a route's rules, it would remove what the route set under a name the client lists in {@code Connection}. One walk
 * over the header names; nothing is allocated unless something is removed. Never fails a request.
 */
public final class ClientHeaders implements HttpHandler {

    private final ForwardedConfig config;
    private final boolean dropUnderscores;
    private final Set<HttpString> untrusted;
    /** Policy and stripped names, dash spellings: what a kept {@code _} name may not stand in for. */
    private final Set<HttpString> managed;
    private final HttpHandler next;

    /**
     * Public for the handler tree in {@code io.gatehouse}, and for an application that sets request headers of its
     * own before a proxy (src-docs/embedding.md). Immutable: one instance serves every IO thread.
     *
     * @param config which peers are trusted, which headers they alone may send, what to do with {@code _} names
     * @param next   the handler that sees the cleaned request
     */
    public ClientHeaders(ForwardedConfig config, HttpHandler next) {
        this.config = config;
        this.dropUnderscores = config.underscores() == ForwardedConfig.Underscores.DROP;
        this.untrusted = names(config.strippedFromUntrusted().stream());
        this.managed = names(Stream.concat(ForwardedConfig.POLICY_HEADERS.stream(), config.strippedFromUntrusted().stream()));
        this.next = next;
    }

    private static Set<HttpString> names(Stream<String> names) {
        return names.map(HttpString::new).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        clean(exchange.getRequestHeaders(), ClientAddress.peerTrusted(exchange, config));
        next.handleRequest(exchange);
    }

    private void clean(HeaderMap headers, boolean trusted) {
        HeaderValues connection = headers.get(Headers.CONNECTION);
        // Collected first: removing while the map is iterated would skip entries.
        List<HttpString> refused = null;
        for (long cookie = headers.fastIterateNonEmpty(); cookie != -1L; cookie = headers.fiNextNonEmpty(cookie)) {
            HttpString name = headers.fiCurrent(cookie).getHeaderName();
            if (refuses(name, connection, trusted)) {
                if (refused == null) {
                    refused = new ArrayList<>();
                }
                refused.add(name);
            }
        }
        if (refused != null) {
            refused.forEach(headers::remove);
        }
    }

    private boolean refuses(HttpString name, HeaderValues connection, boolean trusted) {
        if (HeaderNames.hasUnderscoreLike(name) && (dropUnderscores || managed.contains(HeaderNames.dashed(name)))) {
            return true;
        }
        return (!trusted && untrusted.contains(name)) || HopByHop.nominated(connection, name);
    }
}
