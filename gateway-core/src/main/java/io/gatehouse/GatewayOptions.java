package io.gatehouse;

import io.micrometer.core.instrument.MeterRegistry;
import org.xnio.XnioWorker;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a gateway runs inside an application, as opposed to what it serves (that is the
 * {@link io.gatehouse.config.GatewayConfig}): where its meters and access-log lines go, and which threads it uses.
 * Immutable, so thread-safe and reusable: one options object may start any number of gateways. Build one with
 * {@link #builder()}. {@link #defaults()} is what {@link Gateway#start(io.gatehouse.config.GatewayConfig)} uses: no
 * meters, the access log as the configuration says, and a worker of Gatehouse's own sized to the machine.
 *
 * <p>A mounted {@link GatewayHandler} takes the meters and the access-log sink; the thread counts and the worker mean
 * nothing to it (the application's server runs it) and are ignored.
 */
public final class GatewayOptions {

    private static final GatewayOptions DEFAULTS = builder().build();

    private final MeterRegistry meterRegistry;
    private final Consumer<String> accessLogSink;
    private final int ioThreads;
    private final int workerThreads;
    private final XnioWorker worker;

    private GatewayOptions(Builder builder) {
        this.meterRegistry = builder.meterRegistry;
        this.accessLogSink = builder.accessLogSink;
        this.ioThreads = builder.ioThreads;
        this.workerThreads = builder.workerThreads;
        this.worker = builder.worker;
    }

    /**
     * No meters, the configured access log, Gatehouse's own worker sized to the machine.
     *
     * @return the defaults (one shared instance)
     */
    public static GatewayOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder that starts from {@link #defaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Where meters are recorded, if anywhere.
     *
     * @return the registry; empty for no meters
     */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /**
     * Where each access-log line goes instead of the configured destination, if anywhere.
     *
     * @return the sink; empty for the configured destination
     */
    public Optional<Consumer<String>> accessLogSink() {
        return Optional.ofNullable(accessLogSink);
    }

    /**
     * IO threads of the gateway's own worker: they accept connections, parse requests and relay to and from backends,
     * never blocking.
     *
     * @return the count; 0 means one per core, at least two
     */
    public int ioThreads() {
        return ioThreads;
    }

    /**
     * Worker (blocking task) threads of the gateway's own worker: the file server's blocking reads run there.
     *
     * @return the count; 0 means eight per IO thread
     */
    public int workerThreads() {
        return workerThreads;
    }

    /**
     * The application's worker to run the gateway's listeners on instead of one of the gateway's own. The gateway
     * never shuts it down; its own buffers (not the worker's) serve the listeners, and go when the gateway stops.
     *
     * @return the worker; empty for one of the gateway's own
     */
    public Optional<XnioWorker> worker() {
        return Optional.ofNullable(worker);
    }

    /** Collects {@link GatewayOptions}; not thread-safe, as builders are not. */
    public static final class Builder {

        private MeterRegistry meterRegistry;
        private Consumer<String> accessLogSink;
        private int ioThreads;
        private int workerThreads;
        private XnioWorker worker;

        private Builder() {
        }

        /**
         * Records Gatehouse's meters ({@link GatewayMeters}) in {@code registry}.
         *
         * @param registry where the meters go
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Hands every access-log line, formatted as the configuration's {@code accessLog.format} says and without
         * its line break, to {@code sink} instead of the configured {@code accessLog.path}: the access log is on with
         * a sink, even where the path says {@code off}. Called on the gateway's access-log thread, one line at a
         * time, never on a request thread; a slow sink fills the access log's queue, and lines beyond it are dropped
         * rather than delaying requests. A line whose call throws is lost, counted in
         * {@code gatehouse.accesslog.dropped}, and logged as a warning whose repeats are summarised
         * ({@code log.repeatInterval}); the next line is handed on as usual.
         *
         * @param sink takes each line; it need not be thread-safe: it is never called concurrently, not even while
         *             a reload's replaced access log writes out its last lines
         * @return this builder
         * @throws NullPointerException when {@code sink} is null
         */
        public Builder accessLogSink(Consumer<String> sink) {
            this.accessLogSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * IO threads of the gateway's own worker, 0 for one per core (at least two). Not with {@link #worker}.
         *
         * @param count how many
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder ioThreads(int count) {
            this.ioThreads = requireCount(count, "ioThreads");
            return this;
        }

        /**
         * Worker (blocking task) threads of the gateway's own worker, 0 for eight per IO thread. Not with
         * {@link #worker}.
         *
         * @param count how many
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder workerThreads(int count) {
            this.workerThreads = requireCount(count, "workerThreads");
            return this;
        }

        private static int requireCount(int count, String name) {
            if (count < 0) {
                throw new IllegalArgumentException(name + " must be 0 (automatic) or more, not " + count);
            }
            return count;
        }

        /**
         * Runs the gateway's listeners on the application's {@code worker}: the gateway starts no IO or task thread
         * of its own, and never shuts {@code worker} down (stop the gateway first, then the worker). The listeners'
         * buffers are still the gateway's, released when it stops.
         *
         * @param worker the application's worker, running
         * @return this builder
         */
        public Builder worker(XnioWorker worker) {
            this.worker = Objects.requireNonNull(worker, "worker");
            return this;
        }

        /**
         * The options.
         *
         * @return the options, immutable; the builder may go on being used
         * @throws IllegalStateException when both a {@link #worker} and a thread count were given: the counts size
         *         the gateway's own worker, which there is none of then
         */
        public GatewayOptions build() {
            if (worker != null && (ioThreads != 0 || workerThreads != 0)) {
                throw new IllegalStateException("ioThreads and workerThreads size the gateway's own worker; with the"
                        + " application's worker (" + worker.getName() + "), size that one instead");
            }
            return new GatewayOptions(this);
        }
    }
}
