package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.connector.ByteBufferPool;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

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
 * All listeners share one XNIO worker and one buffer pool, and each listener is bound on its own, so that a
 * {@linkplain #reload(GatewayConfig) reload} can add or remove one without touching the others.
 * {@link #stop(Duration)} stops accepting at once, lets in-flight requests finish until the deadline, then closes
 * every connection that is left.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Gateway.class.getName());
    private static final int BUFFER_SIZE = 16 * 1024;
    /** How long {@link #stop} waits for a close in progress: more than an access log's six seconds to write out. */
    private static final long RETIRER_GRACE_SECONDS = 10;

    /** What a {@link #reload(GatewayConfig)} changed: listeners bound, closed and kept, in configuration order. */
    public record Reloaded(List<ListenAddress> added, List<ListenAddress> removed, List<ListenAddress> kept) {
    }

    private final MeterRegistry registry;
    /** This gateway's, whatever else runs in the JVM; closed by {@link #stop}, after the last request. */
    private final GatewayLogs logs;
    private final XnioWorker worker;
    private final ByteBufferPool buffers = new ThreadCachedBufferPool(BUFFER_SIZE);
    /** Closes drained generations and listeners: never on an IO thread, where closing a backend pool would wait on itself. */
    private final ExecutorService retirer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-retire");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<ListenAddress, Listener> listeners = new LinkedHashMap<>();
    private final Set<Generation> retiring = ConcurrentHashMap.newKeySet();
    private final Set<Listener> removing = ConcurrentHashMap.newKeySet();
    private Generation current;
    private boolean stopped;

    private Gateway(MeterRegistry registry, GatewayLogs logs, Generation first) {
        this.registry = registry;
        this.logs = logs;
        this.current = first;
        this.worker = createWorker();
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
     */
    public static void preload() {
        Preload.start();
    }

    /**
     * Binds every listener of {@code config} and starts serving.
     *
     * @throws ListenerBindException naming the address, when a listener cannot be bound; nothing stays bound then
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, null);
    }

    /** Like {@link #start(GatewayConfig)}, recording meters in {@code registry} (null: none). */
    public static Gateway start(GatewayConfig config, MeterRegistry registry) {
        config.validate();
        // The handler trees first: XNIO, still loading when preload() started it, is not needed until the worker.
        GatewayLogs logs = new GatewayLogs(config.log().repeatInterval());
        Generation first = new Generation(config, registry, logs, null);
        Gateway gateway;
        try {
            gateway = new Gateway(registry, logs, first);
        } catch (RuntimeException | Error e) {
            first.close();
            logs.close();
            throw e;
        }
        synchronized (gateway) {
            try {
                for (ListenAddress address : config.allListeners()) {
                    gateway.listeners.put(address, Listener.bind(address, gateway.worker, gateway.buffers,
                            gateway.current, logs.refusals(), registry));
                }
                gateway.current.committed();
            } catch (RuntimeException | Error e) {
                gateway.stop(Duration.ZERO);
                throw e;
            }
        }
        return gateway;
    }

    /**
     * The gateway as one handler, to mount in an application's own Undertow server: every vhost is served
     * whatever its {@code listen}. The caller's server owns listeners, limits and graceful shutdown; close the
     * returned handler to release backend connections. Its repeated warnings are counted apart from any other
     * gateway's, and summarised when it closes.
     */
    public static GatewayHandler handler(GatewayConfig config, MeterRegistry registry) {
        config.validate();
        GatewayLogs logs = new GatewayLogs(config.log().repeatInterval());
        HandlerTree tree = new HandlerTree(config, registry, logs);
        tree.committed();
        return new GatewayHandler(tree.rootForAll(), tree, logs);
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
     *
     * @throws ListenerBindException when a listener that {@code next} adds cannot be bound (nothing changed)
     * @throws java.io.UncheckedIOException when {@code next}'s access log cannot be opened (nothing changed)
     * @throws IllegalStateException when the gateway is stopped
     */
    public synchronized Reloaded reload(GatewayConfig next) {
        next.validate();
        if (stopped) {
            throw new IllegalStateException("the gateway is stopped");
        }
        Generation previous = current;
        Generation fresh = new Generation(next, registry, logs, previous);
        Map<ListenAddress, Listener> added = new LinkedHashMap<>();
        try {
            for (ListenAddress address : next.allListeners()) {
                if (!listeners.containsKey(address)) {
                    added.put(address, Listener.bind(address, worker, buffers, fresh, logs.refusals(), registry));
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

        fresh.committed();
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
        current = fresh;
        retire(previous, deadline);
        return new Reloaded(List.copyOf(added.keySet()), List.copyOf(removed), List.copyOf(kept));
    }

    /** The configuration being served: the one started with, or the last one reloaded. */
    public synchronized GatewayConfig config() {
        return current.config();
    }

    /** The addresses actually bound, in config order (port 0 in the config becomes the real port). */
    public synchronized List<InetSocketAddress> addresses() {
        return listeners.values().stream().map(Listener::bound).toList();
    }

    /**
     * Closes the access log file and opens it again by name, for log rotation; returns at once (see
     * {@link io.gatehouse.internal.observe.AccessLog#reopen()}). Does nothing when the access log is off or standard output.
     */
    public void reopenAccessLog() {
        Generation serving;
        synchronized (this) {
            serving = current;
        }
        serving.reopenAccessLog();
    }

    /**
     * Stops accepting connections, answers new requests on open connections with 503, lets in-flight requests
     * finish until {@code deadline}, then closes every connection that is left.
     *
     * @return true when every in-flight request finished before the deadline
     */
    public synchronized boolean stop(Duration deadline) {
        if (stopped) {
            return true;
        }
        stopped = true;
        // Only the accepting sockets close here (the worker is ours): open connections stay until they drain.
        List<Listener> all = new ArrayList<>(listeners.values());
        all.addAll(removing);
        all.forEach(Listener::stopAccepting);
        boolean drained = true;
        try {
            CompletableFuture.allOf(all.stream().map(Listener::drained).toArray(CompletableFuture[]::new))
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            drained = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for the drain failed", e.getCause());
        }
        if (current != null) {
            current.close();
        }
        retiring.forEach(Generation::close);
        finishRetiring();
        all.forEach(Listener::closeConnections);
        worker.shutdownNow();
        // The repeats counted since the last summary are the outage's last word: written now, not lost.
        logs.close();
        return drained;
    }

    /**
     * Lets a close the retirer has begun finish, then stops it. A generation's close writes out the lines its access
     * log still holds; interrupting it let {@link #stop} return before they were in the file (and the close that stop
     * itself makes of the same generation returns at once: a generation closes once).
     */
    private void finishRetiring() {
        retirer.shutdown();
        try {
            if (!retirer.awaitTermination(RETIRER_GRACE_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "closing a replaced configuration took over " + RETIRER_GRACE_SECONDS + "s; stopping without it");
                retirer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            retirer.shutdownNow();
        }
    }

    /** {@link #stop(Duration)} with the configured {@code shutdown.drainTimeout}. */
    @Override
    public void close() {
        Duration deadline;
        synchronized (this) {
            deadline = current == null ? Duration.ZERO : current.config().shutdown().drainTimeout();
        }
        stop(deadline);
    }

    /** Closes {@code previous} once its requests have finished or {@code deadline} has passed. */
    private void retire(Generation previous, Duration deadline) {
        retiring.add(previous);
        previous.retire();
        afterDrain(previous.drained().thenApply(done -> true), deadline, drainedInTime -> {
            if (!drainedInTime) {
                LOG.log(Level.WARNING, "the replaced configuration still had requests in flight after " + deadline.toMillis()
                        + "ms; its backend connections close as those finish");
            }
            previous.close();
            retiring.remove(previous);
        });
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
        afterDrain(listener.drained(), deadline, drainedInTime -> {
            listener.closeConnections();
            serving.release();
            removing.remove(listener);
            LOG.log(Level.DEBUG, "closed listener " + listener.address() + (drainedInTime ? "" : " at the drain deadline"));
        });
    }

    private void afterDrain(CompletableFuture<Boolean> drained, Duration deadline, Consumer<Boolean> then) {
        drained.completeOnTimeout(false, deadline.toMillis(), TimeUnit.MILLISECONDS)
                .thenAcceptAsync(then, retirer);
    }

    private static XnioWorker createWorker() {
        int ioThreads = Math.max(Runtime.getRuntime().availableProcessors(), 2);
        try {
            return Preload.xnio().createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, "gatehouse")
                    .set(Options.WORKER_IO_THREADS, ioThreads)
                    .set(Options.WORKER_TASK_CORE_THREADS, ioThreads * 8)
                    .set(Options.WORKER_TASK_MAX_THREADS, ioThreads * 8)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                    .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the IO worker", e);
        }
    }
}
