package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

import java.time.Duration;

/**
 * A gateway mounted in another Undertow server (made by {@link Gateway#handler(GatewayConfig, GatewayOptions)}),
 * with the lifecycle of a {@link Gateway} save for listeners, which are the application's:
 *
 * <pre>{@code
 * GatewayHandler gatehouse = Gateway.handler(config);
 * Undertow server = Undertow.builder().addHttpListener(8080, "0.0.0.0").setHandler(gatehouse).build();
 * server.start();
 * try {
 *     ...
 *     gatehouse.reload(GatewayConfig.load(Path.of("gatehouse.yaml")));
 *     ...
 * } finally {
 *     gatehouse.close();   // drains, then releases backend connections and the access log
 *     server.stop();
 * }
 * }</pre>
 *
 * Each request is served by the configuration current when it starts and holds it until its exchange completes,
 * so a {@link #reload} never changes a request half-way. {@link #stop(Duration)} (and {@link #close()}) answers 503
 * to every request from then on and waits for those in flight; the application's server and its connections stay
 * as they are.
 *
 * <p>Thread-safe. {@link #handleRequest} may be called from any number of threads at once (IO or worker threads, as
 * the application's server calls it); {@link #reload}, {@link #stop}, {@link #close()} and {@link #config()} are
 * synchronized on the handler, so a reload and a stop never interleave.
 */
public final class GatewayHandler implements HttpHandler, AutoCloseable {

    private final Generations generations;
    private final GenerationGate gate;

    private GatewayHandler(Generations generations) {
        this.generations = generations;
        this.gate = new GenerationGate(generations.current(), Generation::mountedRoot);
    }

    /** See {@link Gateway#handler(GatewayConfig, GatewayOptions)}. */
    static GatewayHandler mount(GatewayConfig config, GatewayOptions options) {
        Generations generations = new Generations(config, options, Generation.Roots.MOUNTED);
        generations.commit(generations.current());
        return new GatewayHandler(generations);
    }

    /**
     * Routes the request by Host through the configuration current now, which it holds until the exchange completes;
     * after {@link #stop} answers 503. Never blocks; what the routes do (proxy, files, ...) follows the exchange's
     * thread as on a gateway's own listener.
     */
    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        gate.handleRequest(exchange);
    }

    /**
     * Replaces the configuration without dropping a request, as {@link Gateway#reload} does for the handler tree:
     * the handler trees of {@code next} are built (if that fails, the exception is thrown and nothing changed); each
     * request from then on is routed by {@code next}, while requests already running finish under the configuration
     * they started with; the old configuration's backend pools and access log are closed once its last request has
     * finished, or after {@code next}'s {@code shutdown.drainTimeout}, whichever comes first. {@code next}'s
     * {@code listen}, {@code limits} and {@code timeouts} mean nothing here, as for the first configuration: the
     * application's server owns those. Returns once {@code next} serves; it does not wait for the old one to drain.
     *
     * @param next the configuration to serve from now on
     * @throws io.gatehouse.config.ConfigException when the configuration breaks a rule across records ({@link
     *                                             GatewayConfig#validate()}), or two vhosts claim one host pattern
     *                                             (mounted, every vhost is served whatever its {@code listen});
     *                                             nothing changed
     * @throws java.io.UncheckedIOException when {@code next}'s access log cannot be opened, or a certificate of its tls
     *                                      listeners cannot be read (nothing changed; the message names the file)
     * @throws IllegalStateException when the handler is stopped
     */
    public synchronized void reload(GatewayConfig next) {
        Generation fresh = generations.build(next);
        gate.switchTo(fresh);
        generations.commit(fresh);
    }

    /**
     * The configuration being served.
     *
     * @return the one the handler was made with, or the last one reloaded (after a stop: the last one served)
     */
    public synchronized GatewayConfig config() {
        return generations.current().config();
    }

    /**
     * Closes the access log file and opens it again by name, for log rotation; returns at once. Does nothing when the
     * access log is off or standard output, or after a stop. A failure to reopen is logged, never thrown.
     */
    public void reopenAccessLog() {
        generations.reopenAccessLog();
    }

    /**
     * Stops serving: every request that arrives from now on is answered 503 (the connection stays the application's:
     * it is not closed), requests in flight finish until {@code deadline}; then the backend pools and the access log
     * are closed and the repeat summaries still due are written. Unlike a {@link Gateway}, which closes its own
     * connections at the deadline, the handler cannot cut a request still in flight then: its connection is the
     * application's. Such a request goes on until its backend answers or {@code proxy.responseTimeout} runs out, and
     * its backend connection is closed when it ends; stopping the application's server cuts it. Blocks until the
     * deadline at most: call it from an application thread, not from an IO thread the requests it waits for may need.
     * A second call returns true at once. An interrupt ends the wait early (false) and stays set.
     *
     * @param deadline how long in-flight requests may take to finish
     * @return true when every in-flight request finished before the deadline
     */
    public synchronized boolean stop(Duration deadline) {
        if (generations.closed()) {
            return true;
        }
        gate.shutdown();
        return generations.closeAfter(gate.drained(), deadline);
    }

    /** {@link #stop(Duration)} with the {@code shutdown.drainTimeout} of the configuration being served. */
    @Override
    public void close() {
        stop(config().shutdown().drainTimeout());
    }
}
