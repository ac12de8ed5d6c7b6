package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.internal.http.DrainCut;
import io.micrometer.core.instrument.MeterRegistry;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * A running gateway: every listener of a {@link GatewayConfig} bound, each routing by Host among the vhosts
 * bound to it.
 *
 * <pre>{@code
 * GatewayConfig config = GatewayConfig.load(Path.of("gatehouse.yaml"));
 * try (Gateway gateway = Gateway.start(config)) {
 *     ...
 *     gateway.reload(GatewayConfig.load(Path.of("gatehouse.yaml")));
 *     ...
 *     gateway.stop(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * All listeners share one XNIO worker (the gateway's own, or the application's: see
 * {@link #start(GatewayConfig, GatewayOptions)}) and one buffer pool, and each listener is bound on its own, so that a
 * {@linkplain #reload(GatewayConfig) reload} can add or remove one without touching the others.
 * {@link #stop(Duration)} stops accepting at once, lets in-flight requests finish until the deadline, then closes
 * every connection that is left. To serve inside an application's own Undertow server instead, mount
 * {@link #handler(GatewayConfig, GatewayOptions)}.
 *
 * <p>Thread-safe. {@link #reload}, {@link #stop}, {@link #close()}, {@link #config()} and {@link #addresses()} are
 * synchronized on the gateway, so a reload and a stop never interleave and a stop waits for a reload in progress;
 * {@link #stop} holds the lock while it drains, so the others wait for it too. {@link #reopenAccessLog()} takes no
 * lock. After a stop, {@link #reload} throws {@link IllegalStateException};
 * the other methods go on answering.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Gateway.class.getName());
    private static final int BUFFER_SIZE = 16 * 1024;

    /** What a {@link #reload(GatewayConfig)} changed: listeners bound, closed and kept, in configuration order. */
    public record Reloaded(List<ListenAddress> added, List<ListenAddress> removed, List<ListenAddress> kept) {
    }

    private final Generations generations;
    /** False when the application handed in its worker: then the gateway never shuts it down. */
    private final boolean ownsWorker;
    /** Worker and buffers of every listener; the buffers are the gateway's whoever's the worker is. */
    private final Listener.Shared shared;
    private final Map<ListenAddress, Listener> listeners = new LinkedHashMap<>();
    private final Set<Listener> removing = ConcurrentHashMap.newKeySet();

    private Gateway(Generations generations) {
        this.generations = generations;
        Optional<XnioWorker> given = generations.options().worker();
        if (given.isPresent() && given.get().isShutdown()) {
            throw new IllegalArgumentException("the application's worker " + given.get().getName() + " is shut down");
        }
        this.ownsWorker = given.isEmpty();
        XnioWorker worker = given.orElseGet(() -> createWorker(generations.name(), generations.options()));
        this.shared = Listener.Shared.on(worker, BUFFER_SIZE, generations.logs().refusals(),
                generations.options().meterRegistry().orElse(null));
    }

    /**
     * Starts loading the I/O layer on a background thread and returns at once, so that a {@link #start} a moment
     * later finds it ready: when first loaded, XNIO's provider registers itself with the JVM's management server,
     * which takes about a tenth of a second, as long as reading a small configuration. Optional, for a process that
     * wants its first response soon (the daemon calls it before it reads its configuration, once its logging is
     * set up, since XNIO logs as it loads). If loading fails, {@link #start} throws that failure.
     *
     * <p>Once XNIO is loaded, the same thread runs the static initialisers of the Undertow classes that the first
     * request would otherwise run on an IO thread, in front of the client. {@link #start} does not wait for them; a
     * failure among them is logged, a failure to load XNIO skips them. Set Undertow's system properties before
     * calling this: {@code Cookies} reads one as it initialises.
     *
     * <p>What it does is JVM-wide (per class loader), as class loading is: XNIO's provider and those classes are
     * loaded once, whichever gateway, or none, comes next; only the first call starts the thread, later ones return
     * at once. It holds no gateway's state: every gateway and mounted handler, started before or after, in any
     * number, serves the same with or without it. Only a gateway that creates its own worker waits for the load (and
     * meets its failure); one on the application's worker, and a mounted handler, never do. Thread-safe.
     */
    public static void preload() {
        Preload.start();
    }

    /**
     * Binds every listener of {@code config} and starts serving, on a worker of the gateway's own, with no meters.
     * Same as {@code start(config, GatewayOptions.defaults())}.
     *
     * @param config what to serve, valid (as {@link GatewayConfig#load} and the builder make it)
     * @return the gateway, serving
     * @throws io.gatehouse.config.ConfigException when the configuration breaks a rule across records ({@link
     *                                             GatewayConfig#validate()}); nothing started
     * @throws ListenerBindException naming the address, when a listener cannot be bound; nothing stays bound then
     * @throws java.io.UncheckedIOException when the access log cannot be opened, a certificate of a tls listener cannot
     *                                      be read (the message names the file), or the IO worker cannot be started
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, GatewayOptions.defaults());
    }

    /**
     * Like {@link #start(GatewayConfig)}, recording meters in {@code registry} (null: none).
     *
     * @param config what to serve, valid (as {@link GatewayConfig#load} and the builder make it)
     * @param registry where to record {@linkplain GatewayMeters meters}; null for none
     * @return the gateway, serving
     * @throws io.gatehouse.config.ConfigException when the configuration breaks a rule across records ({@link
     *                                             GatewayConfig#validate()}); nothing started
     * @throws ListenerBindException naming the address, when a listener cannot be bound; nothing stays bound then
     * @throws java.io.UncheckedIOException when the access log cannot be opened, a certificate of a tls listener cannot
     *                                      be read (the message names the file), or the IO worker cannot be started
     */
    public static Gateway start(GatewayConfig config, MeterRegistry registry) {
        return start(config, withMeters(registry));
    }

    /**
     * Binds every listener of {@code config} and starts serving, running as {@code options} say.
     *
     * <p>Threads: by default the listeners run on a worker of the gateway's own, named {@code gatehouse-}<i>n</i>
     * ({@code n} counts the gateways and mounted handlers of the JVM), whose threads are
     * {@code gatehouse-}<i>n</i>{@code  I/O-}<i>k</i> (non-daemon: they keep the JVM up until {@link #stop}),
     * {@code gatehouse-}<i>n</i>{@code  task-}<i>k</i> and {@code gatehouse-}<i>n</i>{@code  Accept}; its size is
     * {@link GatewayOptions#ioThreads()} and {@link GatewayOptions#workerThreads()}. With
     * {@link GatewayOptions#worker()} the listeners run on the application's worker instead: the gateway starts no
     * IO or task thread and never shuts that worker down. Either way the listeners' I/O buffers come from a pool of
     * the gateway's own (16 KiB direct buffers, a few cached per IO thread that uses them), released when the gateway
     * stops, never from or into the application's pool. A few daemon threads work in the background: the
     * gateway's {@code gatehouse-}<i>n</i>{@code  retire} thread for reloads and drain deadlines (started on first
     * use), one {@code gatehouse-access-log} thread per open access log, one {@code gatehouse-health-check} thread
     * per proxy with a {@code healthCheck}, and the JVM's one {@code gatehouse-log-repeats} timer, which writes the
     * summaries of repeated warnings for every gateway.
     *
     * @param config what to serve, valid (as {@link GatewayConfig#load} and the builder make it)
     * @param options meters, access-log sink and threads ({@link GatewayOptions#defaults()} for none of them)
     * @return the gateway, serving
     * @throws io.gatehouse.config.ConfigException when the configuration breaks a rule across records ({@link
     *                                             GatewayConfig#validate()}); nothing started
     * @throws ListenerBindException naming the address, when a listener cannot be bound; nothing stays bound then
     * @throws java.io.UncheckedIOException when the access log cannot be opened, a certificate of a tls listener cannot
     *                                      be read (the message names the file), or the IO worker cannot be started
     * @throws IllegalArgumentException when {@link GatewayOptions#worker()} is already shut down
     */
    public static Gateway start(GatewayConfig config, GatewayOptions options) {
        Objects.requireNonNull(options, "options");
        // The handler trees first: XNIO, still loading when preload() started it, is not needed until the worker.
        Generations generations = new Generations(config, options, Generation.Roots.PER_LISTENER);
        Gateway gateway;
        try {
            gateway = new Gateway(generations);
        } catch (RuntimeException | Error e) {
            generations.close();
            throw e;
        }
        synchronized (gateway) {
            try {
                for (ListenAddress address : config.allListeners()) {
                    gateway.listeners.put(address, gateway.bind(address, generations.current()));
                }
                generations.commit(generations.current());
            } catch (RuntimeException | Error e) {
                gateway.stop(Duration.ZERO);
                throw e;
            }
        }
        return gateway;
    }

    /**
     * The gateway as one handler, to mount in an application's own Undertow server, with no meters. Same as
     * {@code handler(config, GatewayOptions.defaults())}.
     *
     * @param config what to serve, valid (as {@link GatewayConfig#load} and the builder make it)
     * @return the handler, serving
     * @throws io.gatehouse.config.ConfigException when the configuration breaks a rule across records ({@link
     *                                             GatewayConfig#validate()}), or two vhosts claim one host pattern
     *                                             (mounted, every vhost is served whatever its {@code listen});
     *                                             nothing changed
     * @throws java.io.UncheckedIOException when the access log cannot be opened, or a certificate of a tls listener
     *                                      cannot be read (the message names the file)
     */
    public static GatewayHandler handler(GatewayConfig config) {
        return handler(config, GatewayOptions.defaults());
    }

    /**
     * Like {@link #handler(GatewayConfig)}, recording meters in {@code registry} (null: none).
     *
     * @param config what to serve, valid (as {@link GatewayConfig#load} and the builder make it)
     * @param registry where to record {@linkplain GatewayMeters meters}; null for none
     * @return the handler, serving
     * @throws io.gatehouse.config.ConfigException when the configuration breaks a rule across records ({@link
     *                                             GatewayConfig#validate()}), or two vhosts claim one host pattern
     *                                             (mounted, every vhost is served whatever its {@code listen});
     *                                             nothing changed
     * @throws java.io.UncheckedIOException when the access log cannot be opened, or a certificate of a tls listener
     *                                      cannot be read (the message names the file)
     */
    public static GatewayHandler handler(GatewayConfig config, MeterRegistry registry) {
        return handler(config, withMeters(registry));
    }

    /**
     * The gateway as one handler, to mount in an application's own Undertow server: every vhost is served whatever
     * its {@code listen}. The application's server owns listeners, limits and threads: {@code options}' thread counts
     * and worker do not apply (the handler runs on whatever thread calls it; the only threads it starts are the
     * background ones any gateway has, listed on {@link #start(GatewayConfig, GatewayOptions)}). Mounted under a
     * path prefix of the application's server, the gateway sees the path below it, as its routes and files do, and
     * sends that to a backend: {@code /42} for {@code /orders/42} when mounted at {@code /orders}. The handler has the lifecycle of a {@link Gateway}
     * ({@link GatewayHandler#reload}, {@link GatewayHandler#stop}, {@link GatewayHandler#close}); close it to release
     * backend connections. Its repeated warnings are counted apart from any other gateway's, and summarised when it
     * closes.
     *
     * @param config what to serve, valid (as {@link GatewayConfig#load} and the builder make it)
     * @param options meters and access-log sink ({@link GatewayOptions#defaults()} for none); its threads and worker
     *                are ignored
     * @return the handler, serving
     * @throws io.gatehouse.config.ConfigException when the configuration breaks a rule across records ({@link
     *                                             GatewayConfig#validate()}), or two vhosts claim one host pattern
     *                                             (mounted, every vhost is served whatever its {@code listen});
     *                                             nothing changed
     * @throws java.io.UncheckedIOException when the access log cannot be opened, or a certificate of a tls listener
     *                                      cannot be read (the message names the file)
     */
    public static GatewayHandler handler(GatewayConfig config, GatewayOptions options) {
        Objects.requireNonNull(options, "options");
        return GatewayHandler.mount(config, options);
    }

    private static GatewayOptions withMeters(MeterRegistry registry) {
        return registry == null ? GatewayOptions.defaults() : GatewayOptions.builder().meterRegistry(registry).build();
    }

    /**
     * Replaces the configuration without dropping a request. {@code next} must already be valid (it is, when it
     * came from {@link GatewayConfig#load} or the builder). In order:
     * <ol>
     *   <li>the handler trees of {@code next} are built and listeners it adds are bound; if either fails, they are
     *       undone and the exception is thrown: the gateway goes on serving the old configuration, unchanged;</li>
     *   <li>every listener {@code next} keeps switches to the new tree with one volatile write: each request from
     *       then on is routed by {@code next}, while requests already running (uploads, slow responses) finish
     *       under the tree they started with. Kept listeners are never rebound; {@code limits} and
     *       {@code timeouts.idle} apply to connections they accept from then on;</li>
     *   <li>listeners {@code next} no longer has stop accepting at once and are closed like a {@link #stop}: their
     *       in-flight requests finish, requests that still arrive on their open connections get 503;</li>
     *   <li>the old configuration's backend pools and access log are closed once its last request has finished,
     *       or after {@code next}'s {@code shutdown.drainTimeout}, whichever comes first.</li>
     * </ol>
     * A WebSocket relay, once upgraded, belongs to its two connections and lives on until either end closes.
     * Returns once the new configuration serves; it does not wait for the old one to drain.
     *
     * @param next the configuration to serve from now on
     * @return the listeners added, removed and kept
     * @throws io.gatehouse.config.ConfigException when the configuration breaks a rule across records ({@link
     *                                             GatewayConfig#validate()}); nothing changed
     * @throws ListenerBindException when a listener that {@code next} adds cannot be bound, or {@code next} changes
     *                               what a bound port speaks (adds or removes {@code tls} or {@code h2c}), which
     *                               needs a restart (nothing changed)
     * @throws java.io.UncheckedIOException when {@code next}'s access log cannot be opened, or a certificate of its tls
     *                                      listeners cannot be read (nothing changed; the message names the file)
     * @throws IllegalStateException when the gateway is stopped
     */
    public synchronized Reloaded reload(GatewayConfig next) {
        Generation fresh = generations.build(next);
        Map<ListenAddress, Listener> added = new LinkedHashMap<>();
        try {
            refuseChangedSpeech(next);
            for (ListenAddress address : next.allListeners()) {
                if (!listeners.containsKey(address)) {
                    added.put(address, bind(address, fresh));
                }
            }
        } catch (RuntimeException e) {
            added.values().forEach(listener -> {
                listener.stopAccepting();
                listener.closeConnections();
            });
            fresh.close();
            throw e;
        }

        Map<ListenAddress, Listener> serving = new LinkedHashMap<>();
        List<ListenAddress> kept = new ArrayList<>();
        for (ListenAddress address : next.allListeners()) {
            Listener listener = added.get(address);
            if (listener == null) {
                listener = listeners.get(address);
                listener.switchTo(fresh);
                kept.add(address);
            }
            serving.put(address, listener);
        }
        Duration deadline = next.shutdown().drainTimeout();
        List<ListenAddress> removed = new ArrayList<>();
        for (Listener listener : listeners.values()) {
            if (!serving.containsKey(listener.address())) {
                removed.add(listener.address());
                close(listener, deadline);
            }
        }
        listeners.clear();
        listeners.putAll(serving);
        generations.commit(fresh);
        return new Reloaded(List.copyOf(added.keySet()), List.copyOf(removed), List.copyOf(kept));
    }

    /**
     * A port stays bound to the gateway's own socket across a reload, so a listener that would speak otherwise on it
     * cannot be bound beside it; the listener's connections are set up for one protocol when they are accepted.
     * (Port 0 is a fresh port each time, so it can change.)
     */
    private void refuseChangedSpeech(GatewayConfig next) {
        for (ListenAddress wanted : next.allListeners()) {
            for (ListenAddress bound : listeners.keySet()) {
                if (wanted.port() != 0 && wanted.sameSocket(bound) && !wanted.equals(bound)) {
                    throw new ListenerBindException(wanted, new BindException(
                            bound.speaking(false, false) + " speaks " + speech(bound) + " and would speak "
                                    + speech(wanted) + ", which needs a restart"));
                }
            }
        }
    }

    private static String speech(ListenAddress listener) {
        return listener.tls() ? ListenAddress.TLS : listener.h2c() ? ListenAddress.H2C : "plain HTTP";
    }

    /**
     * The configuration being served.
     *
     * @return the one started with, or the last one reloaded (after a stop: the last one served)
     */
    public synchronized GatewayConfig config() {
        return generations.current().config();
    }

    /**
     * The addresses actually bound.
     *
     * @return one per listener, in configuration order, port 0 in the configuration replaced by the real port; after
     *         a stop, the addresses that were bound
     */
    public synchronized List<InetSocketAddress> addresses() {
        return listeners.values().stream().map(Listener::bound).toList();
    }

    /**
     * Closes the access log file and opens it again by name, for log rotation; returns at once (see
     * {@link io.gatehouse.internal.observe.AccessLog#reopen()}). Does nothing when the access log is off or standard
     * output, or after a stop. A failure to reopen is logged, never thrown.
     */
    public void reopenAccessLog() {
        generations.reopenAccessLog();
    }

    /**
     * Stops accepting connections, answers new requests on open connections with 503, lets in-flight requests
     * finish until {@code deadline}, then closes every connection that is left, the backend pools and the access
     * log, and shuts down the gateway's own worker (never the application's). Blocks until then: call it from an
     * application thread, not from one of the worker's IO threads, which the requests it waits for may need. A second
     * call returns true at once. An interrupt ends the wait early (false) and stays set.
     *
     * @param deadline how long in-flight requests may take to finish; zero closes everything at once
     * @return true when every in-flight request finished before the deadline
     */
    public synchronized boolean stop(Duration deadline) {
        if (generations.closed()) {
            return true;
        }
        // Only the accepting sockets close here: open connections stay until they drain.
        List<Listener> all = new ArrayList<>(listeners.values());
        all.addAll(removing);
        all.forEach(Listener::stopAccepting);
        boolean drained = generations.closeAfter(
                CompletableFuture.allOf(all.stream().map(Listener::drained).toArray(CompletableFuture[]::new)), deadline);
        all.forEach(listener -> listener.closeConnectionsAt(DrainCut.Deadline.STOP));
        if (ownsWorker) {
            shared.worker().shutdownNow();
        }
        shared.release();
        return drained;
    }

    /** {@link #stop(Duration)} with the {@code shutdown.drainTimeout} of the configuration being served. */
    @Override
    public void close() {
        stop(config().shutdown().drainTimeout());
    }

    /**
     * Closes a listener a reload removed: it stops accepting now, and its open connections are closed once its
     * in-flight requests have finished or {@code deadline} has passed. It holds its generation until then.
     */
    private void close(Listener listener, Duration deadline) {
        Generation serving = listener.generation();
        serving.tryAcquire(); // current until this reload ends, so it cannot have drained yet
        removing.add(listener);
        listener.stopAccepting();
        generations.afterDrain(listener.drained(), deadline, drainedInTime -> {
            listener.closeConnectionsAt(DrainCut.Deadline.RELOAD);
            serving.release();
            removing.remove(listener);
            LOG.log(Level.DEBUG, "closed listener " + listener.address() + (drainedInTime ? "" : " at the drain deadline"));
        });
    }

    private Listener bind(ListenAddress address, Generation generation) {
        return Listener.bind(address, generation, shared);
    }

    /** The gateway's own worker, named {@code name} and sized as {@code options} say. */
    private static XnioWorker createWorker(String name, GatewayOptions options) {
        int ioThreads = options.ioThreads() > 0 ? options.ioThreads() : Math.max(Runtime.getRuntime().availableProcessors(), 2);
        int taskThreads = options.workerThreads() > 0 ? options.workerThreads() : ioThreads * 8;
        try {
            return Preload.xnio().createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, name)
                    .set(Options.WORKER_IO_THREADS, ioThreads)
                    .set(Options.WORKER_TASK_CORE_THREADS, taskThreads)
                    .set(Options.WORKER_TASK_MAX_THREADS, taskThreads)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                    .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the IO worker", e);
        }
    }
}
