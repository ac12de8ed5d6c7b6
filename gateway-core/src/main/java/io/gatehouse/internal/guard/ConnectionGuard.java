package io.gatehouse.internal.guard;

import io.undertow.server.HttpServerExchange;

/**
 * What a guarded connection knows of the requests on it, asked by the {@link GuardHandler} for every exchange: the
 * verdict on a request the front door refused before the handler tree could see it, and, for every other request,
 * what its exchange needs from the connection while it runs. HTTP/1.1 connections have their {@link FramingConduit};
 * HTTP/2 connections their {@link Http2Guard}. Both answer through the same path, {@link RefusedRequests} in the
 * tree, so a refusal is logged and counted alike whatever the protocol.
 */
interface ConnectionGuard {

    /** The guard of {@code exchange}'s connection, or null when the connection was not accepted by Gatehouse. */
    static ConnectionGuard of(HttpServerExchange exchange) {
        FramingConduit framing = FramingConduit.of(exchange);
        return framing != null ? framing : exchange.getConnection().getAttachment(Http2Guard.KEY);
    }

    /** Why {@code exchange}'s request was refused, or null when it was not: it is then {@link #admit admitted}. */
    Rejection verdict(HttpServerExchange exchange);

    /** {@code exchange}'s request was not refused and goes to the handler tree: what it needs while it runs. */
    void admit(HttpServerExchange exchange);
}
