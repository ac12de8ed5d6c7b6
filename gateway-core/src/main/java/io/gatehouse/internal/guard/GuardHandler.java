package io.gatehouse.internal.guard;

import io.gatehouse.internal.http.ErrorResponses;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.util.StatusCodes;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The root handler of a guarded listener, the handler-side half of each connection's {@link ConnectionGuard}
 * (its {@link FramingConduit} for HTTP/1.1, its {@link Http2Guard} for HTTP/2):
 * <ul>
 *   <li>asks the guard for its verdict on the request: a refused one is marked (one log line) and passed on, for
 *       {@link RefusedRequests} to answer with its status (closing an HTTP/1.1 connection);</li>
 *   <li>lets the guard {@linkplain ConnectionGuard#admit admit} every other exchange (over HTTP/1.1 a
 *       {@link BodyGate}, so a body refused part-way reaches the handler as a {@link RequestRejectedException} it
 *       can still answer, and the end of the exchange, so the conduit knows when a connection switched
 *       protocols; over HTTP/2 the count of requests in flight);</li>
 *   <li>answers {@code Expect: 100-continue} itself, as nginx does: {@code 100 Continue} goes to the client when
 *       the body is first read (never when the request is answered without reading it, which then closes an
 *       HTTP/1.1 connection; over HTTP/2 see {@link Http2Continue}). The Expect header stays on the request
 *       (Undertow needs it to send the 100), so the backend gets it too, where nginx drops it.</li>
 * </ul>
 * It fails closed: an exchange on a connection without a guard (a wiring mistake, such as a conduit stacked over
 * the framing conduit) is answered 500 with a closed connection and never reaches the tree.
 */
final class GuardHandler implements HttpHandler {

    private static final Logger LOG = System.getLogger(GuardHandler.class.getPackageName());

    private final HttpHandler next;
    private final HttpHandler continuing;
    private final RepeatedEvents refusals;

    /** {@code refusals}: made by {@link #refusalLog}, shared with the listener's {@link FramingConduit}s. */
    GuardHandler(HttpHandler next, RepeatedEvents refusals) {
        this.next = next;
        this.continuing = new HttpContinueReadHandler(next);
        this.refusals = refusals;
    }

    /**
     * A log of the guard's refusals, one line per reason and {@code interval}: a flood of bad requests must not flood
     * the log.
     */
    static RepeatedEvents refusalLog(Duration interval) {
        return new RepeatedEvents(LOG, Level.INFO, interval);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ConnectionGuard guard = ConnectionGuard.of(exchange);
        if (guard == null) {
            // Every connection of a guarded listener reads through its framing conduit or its HTTP/2 guard; one
            // that does not was never checked (a conduit stacked over it hides it: metrics once did), so nothing of
            // it is served.
            if (LOG.isLoggable(Level.ERROR)) {
                LOG.log(Level.ERROR, exchange.getSourceAddress() + ": no guard on this connection, answered 500");
            }
            exchange.setPersistent(false);
            ErrorResponses.send(exchange, StatusCodes.INTERNAL_SERVER_ERROR);
            return;
        }
        Rejection rejected = guard.verdict(exchange);
        if (rejected != null) {
            if (LOG.isLoggable(Level.INFO)) {
                refusals.event("request refused with " + rejected.status() + ": " + rejected.reason(),
                        exchange.getSourceAddress() + ":");
            }
            // Answered by RefusedRequests inside the tree, so the access log and the metrics see it.
            RefusedRequests.mark(exchange, rejected);
            next.handleRequest(exchange);
            return;
        }
        guard.admit(exchange);
        if (guard instanceof Http2Guard) {
            Http2Continue.onFirstRead(exchange);
            next.handleRequest(exchange);
        } else {
            continuing.handleRequest(exchange);
        }
    }
}
