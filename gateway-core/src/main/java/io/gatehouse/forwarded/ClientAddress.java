package io.gatehouse.forwarded;

import io.undertow.server.HttpServerExchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The address of the client a request came from, as logs, metrics, balancing and forwarded headers use it.
 * Today it is the TCP peer; resolving it through a chain of trusted proxies (forwarded.trusted) is next.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /** The client's address, or {@code null} when the connection has no IP peer. */
    public static InetAddress of(HttpServerExchange exchange) {
        InetSocketAddress peer = exchange.getSourceAddress();
        return peer == null ? null : peer.getAddress();
    }
}
