package io.gatehouse.daemon;

import io.gatehouse.Gateway;
import io.gatehouse.ListenerBindException;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.GatewayMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.gatehouse.config.ListenAddress;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Reloads the configuration file into the running gateway, for SIGHUP, {@code gatehouse reload} and the file watch
 * alike: load and validate the whole file, and only then {@link Gateway#reload swap} it in. A file that does not
 * load, or a listener it adds that cannot be bound, changes nothing: each problem is logged on its own line
 * ({@code file:line:column: key: message}), then one line says the old configuration is still served.
 *
 * <p>Reloads run one at a time on a thread of their own, never on the signal or watch thread. Requests that arrive
 * while one is already waiting are merged into it (it reads the file as it is when it runs). Requests made before
 * the gateway has started wait for {@link #attach}.
 */
final class Reloader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Reloader.class.getName());

    private final Path file;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread reloads = new Thread(runnable, "gatehouse-reload");
        reloads.setDaemon(true);
        return reloads;
    });
    private final CompletableFuture<Gateway> started = new CompletableFuture<>();
    /** Where reload outcomes are counted ({@code gatehouse.config.reloads}); null when the daemon has no meters. */
    private volatile MeterRegistry registry;
    private final AtomicBoolean waiting = new AtomicBoolean();

    Reloader(Path file) {
        this.file = file;
    }

    /**
     * The gateway is serving: reloads may run, starting with one requested during start-up.
     *
     * @param registry where reload outcomes are counted; null: not counted
     */
    void attach(Gateway gateway, MeterRegistry registry) {
        this.registry = registry;
        started.complete(gateway);
    }

    /** The configuration being served: the gateway's, once {@linkplain #attach attached}; empty before. */
    Optional<GatewayConfig> serving() {
        return started.isDone() ? Optional.of(started.join().config()) : Optional.empty();
    }

    /** Asks for a reload; {@code reason} (such as {@code SIGHUP}) starts its log line. Never blocks. */
    void request(String reason) {
        if (waiting.compareAndSet(false, true)) {
            started.thenAcceptAsync(gateway -> {
                waiting.set(false);
                reload(gateway, reason);
            }, thread);
        }
    }

    /** No more reloads; waits for one that is running to finish. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reload(Gateway gateway, String reason) {
        LOG.info(reason + ": reloading " + file);
        GatewayConfig next;
        try {
            next = GatewayConfig.load(file);
        } catch (ConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                LOG.severe(problem.toString());
            }
            failed(RouteReport.count(e.problems().size(), "problem") + " in " + file);
            return;
        } catch (UncheckedIOException e) {
            failed("cannot read " + file + ": " + e.getCause().getMessage());
            return;
        }
        GatewayConfig before = gateway.config();
        Gateway.Reloaded changes;
        try {
            changes = gateway.reload(next);
        } catch (ListenerBindException e) {
            LOG.severe(BindFailure.explain(e, file.toString()).summary());
            failed("a new listener cannot be bound");
            return;
        } catch (UncheckedIOException e) {
            failed(e.getMessage());
            return;
        } catch (IllegalStateException stopping) {
            LOG.info("reload skipped: the gateway is stopping");
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "reload failed unexpectedly, please report it", e);
            failed("unexpected " + e);
            return;
        }
        warnAboutStartOnlyKeys(before, next);
        // As at start: an expiring certificate or a shadowed route is worth a line each time the file is read.
        next.warnings().forEach(warning -> LOG.warning(warning.toString()));
        succeeded("reloaded " + file + " (" + RouteReport.count(next.vhosts().size(), "vhost")
                + listeners("; now also listening on ", changes.added())
                + listeners("; no longer listening on ", changes.removed()) + ")");
    }

    /** One line per reload outcome, and one count in {@code gatehouse.config.reloads}. */
    private void succeeded(String line) {
        LOG.info(line);
        count(true);
    }

    private void failed(String why) {
        LOG.severe("reload failed: " + why + "; still serving the previous configuration");
        count(false);
    }

    private void count(boolean success) {
        MeterRegistry meters = registry;
        if (meters != null) {
            GatewayMeters.configReloaded(meters, success);
        }
    }

    /** {@code pidFile} and {@code watch} are read once, at start. */
    private static void warnAboutStartOnlyKeys(GatewayConfig before, GatewayConfig next) {
        if (!before.pidFile().equals(next.pidFile())) {
            LOG.warning("pidFile changed; the new value takes effect at the next start");
        }
        if (before.watch() != next.watch()) {
            LOG.warning("watch changed; the new value takes effect at the next start");
        }
    }

    private static String listeners(String prefix, List<ListenAddress> addresses) {
        return addresses.isEmpty() ? "" : prefix + addresses.stream().map(ListenAddress::toString).collect(Collectors.joining(", "));
    }
}
