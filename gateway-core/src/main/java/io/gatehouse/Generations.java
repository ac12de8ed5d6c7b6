package io.gatehouse;

import io.gatehouse.config.GatewayConfig;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The succession of configurations of one {@link Gateway} or one mounted {@link GatewayHandler}: the generation
 * being served, the replaced ones still draining, the thread that closes them, and the owner's logs of repeated
 * warnings. Both owners reload and stop through it, so a mounted handler drains a replaced configuration exactly as
 * a gateway does.
 *
 * <p>Not thread-safe on its own: its owner calls {@link #build}, {@link #commit} and {@link #close} under the owner's
 * lock. The retirer thread touches only the set of retiring generations, which is concurrent.
 */
final class Generations {

    private static final Logger LOG = System.getLogger(Gateway.class.getName());
    /** How long {@link #close} waits for a close in progress: more than an access log's six seconds to write out. */
    private static final long RETIRER_GRACE_SECONDS = 10;
    /**
     * Numbers the gateways and mounted handlers of the JVM, so that their threads and their XNIO worker's management
     * bean have distinct names. A name, nothing more: no gateway reads another's state through it.
     */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String name;
    private final GatewayOptions options;
    private final Generation.Roots roots;
    /** The owner's, whatever else runs in the JVM; closed by {@link #close}, after the last request. */
    private final GatewayLogs logs;
    /** Closes drained generations (and a gateway's removed listeners): never on an IO thread, where closing a backend pool would wait on itself. */
    private final ExecutorService retirer;
    private final Set<Generation> retiring = ConcurrentHashMap.newKeySet();
    /** Written under the owner's lock; volatile for {@link #reopenAccessLog()}, which does not take it. */
    private volatile Generation current;
    private boolean closed;

    /**
     * The first generation of {@code config}, built but not yet {@linkplain #commit committed}: its owner commits it
     * once it serves. On failure nothing is left open.
     *
     * @throws io.gatehouse.config.ConfigException when {@code config} breaks a rule across records
     * @throws java.io.UncheckedIOException when the access log cannot be opened
     */
    Generations(GatewayConfig config, GatewayOptions options, Generation.Roots roots) {
        validate(config, roots);
        this.name = "gatehouse-" + INSTANCES.incrementAndGet();
        this.options = options;
        this.roots = roots;
        this.logs = new GatewayLogs(config.log().repeatInterval(), options.accessLogSink().orElse(null));
        try {
            this.current = new Generation(config, options, logs, null, roots);
        } catch (RuntimeException | Error e) {
            logs.close();
            throw e;
        }
        this.retirer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name + " retire");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The configuration's own rules, and for a mounted gateway the one it adds ({@link MountedHosts}). */
    private static void validate(GatewayConfig config, Generation.Roots roots) {
        config.validate();
        if (roots == Generation.Roots.MOUNTED) {
            MountedHosts.check(config);
        }
    }

    /** {@code gatehouse-}<i>n</i>, distinct in the JVM: the prefix of the owner's threads. */
    String name() {
        return name;
    }

    GatewayOptions options() {
        return options;
    }

    GatewayLogs logs() {
        return logs;
    }

    /** The generation serving: the first until a {@link #commit}, then the last committed. */
    Generation current() {
        return current;
    }

    /** Whether {@link #close} ran: the owner has stopped. */
    boolean closed() {
        return closed;
    }

    /** See {@link Gateway#reopenAccessLog()}. */
    void reopenAccessLog() {
        current.reopenAccessLog();
    }

    /**
     * Builds the generation of {@code next}, borrowing from the current one what did not change; nothing serves it
     * yet, and abandoning it ({@link Generation#close()}) changes nothing for the current one.
     *
     * @throws IllegalStateException after {@link #close}: the owner has stopped
     * @throws java.io.UncheckedIOException when {@code next}'s access log cannot be opened
     */
    Generation build(GatewayConfig next) {
        if (closed) {
            throw new IllegalStateException(name + " is stopped");
        }
        validate(next, roots);
        return new Generation(next, options, logs, current, roots);
    }

    /**
     * {@code fresh} starts serving. When it replaces another generation, that one is closed once its last request
     * has finished or after {@code fresh}'s {@code shutdown.drainTimeout}, whichever comes first.
     */
    void commit(Generation fresh) {
        Generation previous = current;
        current = fresh;
        fresh.committed();
        if (previous != fresh) {
            retire(previous, fresh.config().shutdown().drainTimeout());
        }
    }

    /**
     * Runs {@code then} on the retirer thread once {@code drained} completes or {@code deadline} has passed, with
     * true when it was drained in time.
     */
    void afterDrain(CompletableFuture<Boolean> drained, Duration deadline, Consumer<Boolean> then) {
        drained.completeOnTimeout(false, deadline.toMillis(), TimeUnit.MILLISECONDS)
                .thenAcceptAsync(then, retirer);
    }

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
     * Waits until {@code drained} completes or {@code deadline} has passed; true when it completed in time. An
     * interrupt ends the wait (false) and stays set.
     */
    private static boolean await(CompletableFuture<?> drained, Duration deadline) {
        try {
            drained.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for the drain failed", e.getCause());
        }
    }

    /**
     * The end of a stop: waits until {@code drained} completes or {@code deadline} has passed, then {@link #close}s.
     *
     * @return true when {@code drained} completed in time
     */
    boolean closeAfter(CompletableFuture<?> drained, Duration deadline) {
        boolean inTime = await(drained, deadline);
        close();
        return inTime;
    }

    /**
     * Closes every generation, the serving one and those still retiring, lets a close the retirer has begun finish,
     * then writes the repeat summaries still due; once only.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        // An interrupt ends a stop's wait for requests in flight, never the closing itself: closing an access log
        // queues its end and waits for the writer, which an interrupt set on this thread would cut short, leaving
        // the writer running and its file open. The interrupt is set again once everything is closed.
        boolean interrupted = Thread.interrupted();
        try {
            current.close();
            retiring.forEach(Generation::close);
            finishRetiring();
            // The repeats counted since the last summary are the outage's last word: written now, not lost.
            logs.close();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Lets a close the retirer has begun finish, then stops it. A generation's close writes out the lines its access
     * log still holds; interrupting it let a stop return before they were in the file (and the close that
     * {@link #close()} itself makes of the same generation returns at once: a generation closes once).
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
}
