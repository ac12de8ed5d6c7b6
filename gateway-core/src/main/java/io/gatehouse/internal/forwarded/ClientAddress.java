package io.gatehouse.internal.forwarded;

import io.gatehouse.config.ForwardedConfig;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Who the client of a request is, as logs, metrics, balancing and forwarded headers use it: the TCP peer, or when
 * the peer is a trusted proxy ({@code forwarded.trusted}), the client its X-Forwarded-For chain names (see
 * {@link XForwardedFor} for the walk and {@code src-docs/forwarded.md}).
 *
 * <p>{@link #resolve} works it out once per request and attaches it; {@link RequestOrigin} calls it at the root of
 * the handler tree, and the proxy's {@link ForwardedHeaders} calls it too, so a proxy used on its own resolves the
 * same way. Trust rests on the TCP peer only, never on a header or on {@code exchange.getSourceAddress()} (which an
 * embedding application may have changed).
 *
 * <p>Stateless; safe from any thread. What it works out is kept on the exchange and on the connection, whose requests
 * Undertow handles one at a time.
 */
public final class ClientAddress {

    /** What was resolved for one request. */
    record Resolved(InetAddress peer, boolean peerTrusted, InetAddress client) {
    }

    private static final AttachmentKey<Resolved> KEY = AttachmentKey.create(Resolved.class);

    private ClientAddress() {
    }

    /**
     * The client's address: the resolved one, or when nothing resolved it (a handler used outside the gateway), the
     * TCP peer. {@code null} only when the connection has no IP peer.
     *
     * @param exchange a request
     * @return the client's address, or {@code null}
     */
    public static InetAddress of(HttpServerExchange exchange) {
        Resolved resolved = exchange.getAttachment(KEY);
        return resolved != null ? resolved.client() : peer(exchange);
    }

    /**
     * Whether the TCP peer is inside {@code trust}'s trusted networks, resolved once per request like {@link #of}:
     * when the request was resolved already, that answer stands whatever {@code trust} is passed now.
     *
     * @param exchange a request
     * @param trust    the trusted networks, used only when the request was not resolved yet
     * @return whether the peer's forwarding headers may be believed
     */
    public static boolean peerTrusted(HttpServerExchange exchange, ForwardedConfig trust) {
        return resolve(exchange, trust).peerTrusted();
    }

    /**
     * The TCP peer, whoever it is.
     *
     * @param exchange a request
     * @return the peer's address; {@code null} when the connection has no IP peer
     */
    public static InetAddress peer(HttpServerExchange exchange) {
        return Peer.of(exchange).address();
    }

    /**
     * An address as nginx and Apache log it: IPv4 dotted, IPv6 in RFC 5952 form ({@code 2001:db8::1}) without a zone;
     * {@code null} for {@code null}.
     *
     * @param address an address, or {@code null}
     * @return its text, or {@code null}
     */
    public static String text(InetAddress address) {
        return address == null ? null : IpLiteral.format(address);
    }

    /**
     * {@link #text} of {@link #of}, without formatting the address again when the client is the TCP peer.
     *
     * @param exchange a request
     * @return the client's address as text, or {@code null} when there is none
     */
    public static String clientText(HttpServerExchange exchange) {
        InetAddress client = of(exchange);
        Peer peer = Peer.of(exchange);
        return client == peer.address() ? peer.text() : text(client);
    }

    /**
     * {@link #text} of {@link #peer}, formatted once per connection.
     *
     * @param exchange a request
     * @return the peer's address as text, or {@code null} when the connection has no IP peer
     */
    public static String peerText(HttpServerExchange exchange) {
        return Peer.of(exchange).text();
    }

    /**
     * A connection's TCP peer and its text, worked out for its first request and kept on the connection: the proxy's
     * forwarded headers and the access log both want the text of every request, and formatting it each time was
     * about 1 % of the CPU under load. It is written once, by the connection's first request; the requests of an
     * HTTP/1.1 connection (pipelined ones too) are handled one after the other, so no two threads write it at once.
     */
    private record Peer(InetAddress address, String text) {

        private static final AttachmentKey<Peer> KEY = AttachmentKey.create(Peer.class);

        static Peer of(HttpServerExchange exchange) {
            ServerConnection connection = exchange.getConnection();
            Peer peer = connection.getAttachment(KEY);
            if (peer == null) {
                InetSocketAddress socket = connection.getPeerAddress(InetSocketAddress.class);
                InetAddress address = socket == null ? null : socket.getAddress();
                peer = new Peer(address, ClientAddress.text(address));
                connection.putAttachment(KEY, peer);
            }
            return peer;
        }
    }

    /**
     * Resolves the client of this request under {@code trust} and attaches it, unless that was done already (then the
     * first answer stands). Only a trusted peer's X-Forwarded-For is parsed.
     */
    static Resolved resolve(HttpServerExchange exchange, ForwardedConfig trust) {
        Resolved resolved = exchange.getAttachment(KEY);
        if (resolved == null) {
            InetAddress peer = peer(exchange);
            boolean trusted = peer != null && trust.isTrusted(peer);
            InetAddress client = trusted
                    ? XForwardedFor.walk(HeaderText.joined(exchange.getRequestHeaders(), Headers.X_FORWARDED_FOR), peer, trust)
                    : peer;
            resolved = new Resolved(peer, trusted, client);
            exchange.putAttachment(KEY, resolved);
        }
        return resolved;
    }
}
