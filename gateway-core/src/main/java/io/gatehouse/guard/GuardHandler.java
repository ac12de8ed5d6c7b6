package io.gatehouse.guard;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.util.StatusCodes;

import java.util.logging.Logger;

/**
 * The root handler of a guarded listener, the handler-side half of the {@link FramingConduit}:
 * <ul>
 *   <li>marks a stand-in for a refused head (one log line) and passes it on, for {@link RefusedRequests} to answer
 *       with its status and a closed connection;</li>
 *   <li>gives every other exchange a {@link BodyGate}, so a body refused part-way reaches the handler as a
 *       {@link RequestRejectedException} it can still answer;</li>
 *   <li>tells the conduit how each exchange ended, so it knows when a connection switched protocols;</li>
 *   <li>handles {@code Expect: 100-continue} hop by hop, as nginx does: {@code 100 Continue} goes to the client when
 *       the body is first read (never when the request is answered without reading it, which then closes the
 *       connection). The Expect header stays on the request (Undertow needs it to send the 100).</li>
 * </ul>
 */
final class GuardHandler implements HttpHandler {

    private static final Logger LOG = Logger.getLogger(GuardHandler.class.getPackageName());

    private final HttpHandler next;
    private final HttpHandler continuing;

    GuardHandler(HttpHandler next) {
        this.next = next;
        this.continuing = new HttpContinueReadHandler(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Rejection rejected = Rejection.parse(exchange.getRequestHeaders().getFirst(Rejection.HEADER));
        FramingConduit framing = FramingConduit.of(exchange);
        if (rejected != null && framing != null) {
            LOG.info(() -> exchange.getSourceAddress() + ": request refused with " + rejected.status() + ": " + rejected.reason());
            exchange.setPersistent(false);
            // Answered by RefusedRequests inside the tree, so the access log and the metrics see it.
            RefusedRequests.mark(exchange, rejected);
            next.handleRequest(exchange);
            return;
        }
        if (framing != null) {
            BodyGate gate = new BodyGate();
            exchange.addRequestWrapper((factory, ignored) -> gate.wrap(factory.create()));
            framing.exchangeStarted(gate);
            exchange.addExchangeCompleteListener((done, nextListener) -> {
                framing.exchangeEnded(done.getStatusCode() == StatusCodes.SWITCHING_PROTOCOLS);
                nextListener.proceed();
            });
        }
        continuing.handleRequest(exchange);
    }
}
