package io.gatehouse.internal.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

import java.util.Set;

/**
 * When a failed request may be sent again, and how often (nginx {@code proxy_next_upstream error} with
 * {@code proxy_next_upstream_tries}):
 * <ul>
 *   <li>no connection could be made (refused, connect timeout): nothing was sent, so any request may go to another
 *       backend;</li>
 *   <li>the connection broke after the request was sent but before a response head arrived: only a request whose
 *       method is idempotent (RFC 9110 §9.2.2) and whose body was not streamed, since the backend may have acted
 *       on it; never a POST or PATCH;</li>
 *   <li>a response head arrived, or no response came within the response timeout: never (the backend is working
 *       on it, or answered).</li>
 * </ul>
 * At most {@code retries} further backends are tried per request. A stale pooled connection (see {@link ProxiedExchange})
 * is retried on a fresh one without counting.
 */
final class RetryPolicy {

    private static final Set<HttpString> IDEMPOTENT = Set.of(
            Methods.GET, Methods.HEAD, Methods.OPTIONS, Methods.TRACE, Methods.PUT, Methods.DELETE);

    private final int retries;

    RetryPolicy(int retries) {
        this.retries = retries;
    }

    /** Whether a request that already made {@code retriesSoFar} retries may make another. */
    boolean allows(int retriesSoFar) {
        return retriesSoFar < retries;
    }

    /**
     * Whether {@code exchange} may be sent again after it reached a backend: idempotent, and its body, if any, was
     * not read from the client (so nothing of it is lost).
     */
    static boolean replayable(HttpServerExchange exchange, boolean bodyStreamed) {
        return !bodyStreamed && IDEMPOTENT.contains(exchange.getRequestMethod());
    }
}
