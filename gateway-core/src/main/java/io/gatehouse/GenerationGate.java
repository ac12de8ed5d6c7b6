package io.gatehouse;

import io.gatehouse.internal.http.ErrorResponses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.StatusCodes;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Where requests enter a configuration, on a {@link Listener} and in a mounted {@link GatewayHandler} alike: each
 * request reads the current {@link Generation} once, holds it until its exchange completes, and is served by that
 * generation's root. A reload {@linkplain #switchTo(Generation) publishes} a new generation with one volatile write,
 * so the next request sees the new routes while those already running finish under the old ones.
 *
 * <p>{@link #shutdown()} starts a drain: requests that arrive from then on are answered 503, and {@link #drained()}
 * completes once those in flight have finished. Thread-safe.
 */
final class GenerationGate implements HttpHandler {

    private final GracefulShutdownHandler drain = new GracefulShutdownHandler(this::serve);
    private final Function<Generation, HttpHandler> root;
    private volatile Generation generation;

    /** Serves {@code first} through the handler {@code root} picks out of each generation. */
    GenerationGate(Generation first, Function<Generation, HttpHandler> root) {
        this.generation = first;
        this.root = root;
    }

    /** Counts the request in flight until its exchange completes and serves it; 503 once {@link #shutdown()} ran. */
    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        drain.handleRequest(exchange);
    }

    /**
     * Serves the request with the current generation, holding that generation for the length of the exchange, without
     * counting it in the drain. A generation is retired only after the next one is published, so when acquiring fails,
     * reading the field again finds the newer one; when there is none, the owner has stopped: 503.
     */
    void serve(HttpServerExchange exchange) throws Exception {
        Generation serving = generation;
        while (!serving.tryAcquire()) {
            Generation newer = generation;
            if (newer == serving) {
                ErrorResponses.send(exchange, StatusCodes.SERVICE_UNAVAILABLE);
                return;
            }
            serving = newer;
        }
        Generation held = serving;
        exchange.addExchangeCompleteListener((ex, next) -> {
            held.release();
            next.proceed();
        });
        root.apply(held).handleRequest(exchange);
    }

    /** Serves {@code next} from the next request on; requests already running keep the generation they started with. */
    void switchTo(Generation next) {
        generation = next;
    }

    Generation generation() {
        return generation;
    }

    /** Answers 503 to every request from now on; those in flight go on. */
    void shutdown() {
        drain.shutdown();
    }

    /** Completes (true) when every request that was in flight at {@link #shutdown()} has finished. */
    CompletableFuture<Boolean> drained() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        drain.addShutdownListener(done::complete);
        return done;
    }
}
