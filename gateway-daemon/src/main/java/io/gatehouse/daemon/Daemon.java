package io.gatehouse.daemon;

import io.gatehouse.Gateway;
import io.gatehouse.ListenerBindException;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code gatehouse run}: load the configuration, write the {@code pidFile}, bind every listener, serve until SIGTERM
 * or SIGINT, then stop accepting, let in-flight requests finish for up to {@code shutdown.drainTimeout}, remove the
 * {@code pidFile} and return {@link Main#OK}. SIGHUP, and a change of the file under {@code watch: true}, reload it
 * (see {@link Reloader}). Every step is one line in the event log; a bad configuration, an unwritable
 * {@code pidFile} or an unbindable listener is reported without a stack trace and returns {@link Main#BAD_CONFIG}
 * or {@link Main#CANNOT_BIND} before anything is served.
 */
final class Daemon {

    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private final Path file;
    private final String version;
    private final PrintStream err;

    /** @param err where the advice for a failed bind goes, as plain lines below its log line */
    Daemon(Path file, String version, PrintStream err) {
        this.file = file;
        this.version = version;
        this.err = err;
    }

    int run() {
        // Before anything is bound, so that a signal during start-up still ends in a drain and status 0, and a
        // SIGHUP during start-up is a reload once started rather than the JVM's exit.
        StopSignals signals = StopSignals.install();
        try (Reloader reloader = new Reloader(file)) {
            HangupSignal.install(() -> reloader.request("SIGHUP"));
            GatewayConfig config;
            try {
                config = GatewayConfig.load(file);
            } catch (ConfigException e) {
                for (ConfigProblem problem : e.problems()) {
                    LOG.severe(problem.toString());
                }
                LOG.severe("not started: " + RouteReport.count(e.problems().size(), "problem") + " in " + file);
                return Main.BAD_CONFIG;
            } catch (UncheckedIOException e) {
                LOG.severe("not started: cannot read " + file + ": " + e.getCause().getMessage());
                return Main.BAD_CONFIG;
            }
            try (PidFile pid = writePidFile(config); ConfigWatch watch = watch(config, reloader)) {
                return serve(config, signals, reloader);
            } catch (IOException e) {
                LOG.severe("not started: " + e.getMessage());
                return Main.BAD_CONFIG;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.severe("interrupted while serving; exiting");
            return Main.INTERNAL_ERROR;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected failure, please report it", e);
            return Main.INTERNAL_ERROR;
        }
    }

    private int serve(GatewayConfig config, StopSignals signals, Reloader reloader) throws InterruptedException {
        DaemonMetrics metrics = config.admin().enabled() ? new DaemonMetrics() : null;
        MeterRegistry registry = metrics == null ? null : metrics.registry();
        AtomicBoolean ready = new AtomicBoolean();
        AtomicReference<Gateway> running = new AtomicReference<>();
        Supplier<GatewayConfig> effective = () -> running.get() == null ? config : running.get().config();
        AdminServer admin;
        Gateway gateway;
        try {
            try {
                admin = startAdmin(config, metrics, effective, ready);
            } catch (ListenerBindException e) {
                closeAll(null, metrics);
                throw e;
            }
            try {
                gateway = Gateway.start(config, registry);
            } catch (ListenerBindException | UncheckedIOException e) {
                closeAll(admin, metrics);
                throw e;
            }
        } catch (UncheckedIOException e) {
            // The access log file cannot be opened: a configuration the machine cannot honour.
            LOG.severe("not started: " + e.getMessage());
            return Main.BAD_CONFIG;
        } catch (ListenerBindException e) {
            BindFailure failure = BindFailure.explain(e, file.toString());
            LOG.severe(failure.summary());
            failure.advice().forEach(line -> err.println("    " + line));
            LOG.severe("not started: a listener cannot be bound");
            return Main.CANNOT_BIND;
        }
        running.set(gateway);
        logListeners(config, gateway.addresses());
        ReopenSignal.install(gateway::reopenAccessLog);
        ready.set(true);
        config.warnings().forEach(warning -> LOG.warning(warning.toString()));
        LOG.info("gatehouse " + version + " started (pid " + ProcessHandle.current().pid() + ", "
                + RouteReport.count(config.vhosts().size(), "vhost") + ", config " + file.toAbsolutePath() + ")");
        reloader.attach(gateway, registry);

        String reason = signals.await();
        ready.set(false);
        reloader.close();
        Duration deadline = gateway.config().shutdown().drainTimeout();
        LOG.info(reason + ": stopping; no new connections, in-flight requests may finish within "
                + RouteReport.duration(deadline));
        if (gateway.stop(deadline)) {
            LOG.info("stopped cleanly");
        } else {
            LOG.warning("stopped: drain deadline of " + RouteReport.duration(deadline)
                    + " passed, the requests still in flight were closed");
        }
        closeAll(admin, metrics);
        return Main.OK;
    }

    /** The admin listener when {@code admin} is configured, else null; warns when it is not on loopback. */
    private static AdminServer startAdmin(GatewayConfig config, DaemonMetrics metrics, Supplier<GatewayConfig> effective,
                                          AtomicBoolean ready) {
        if (!config.admin().enabled()) {
            return null;
        }
        AdminServer admin = AdminServer.start(config.admin(), metrics.registry(), effective, ready::get);
        LOG.info("admin endpoint on " + format(admin.address()) + " (/metrics, /healthz, /readyz, /config)");
        if (!config.admin().loopbackOnly()) {
            LOG.warning("the admin endpoint listens on " + config.admin().listen().get() + ", not loopback: it has no "
                    + "authentication, so keep that address on a management network");
        }
        return admin;
    }

    private static void closeAll(AdminServer admin, DaemonMetrics metrics) {
        if (admin != null) {
            admin.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** Writes the {@code pidFile} if there is one (null otherwise). @throws IOException naming the file */
    private static PidFile writePidFile(GatewayConfig config) throws IOException {
        if (config.pidFile().isEmpty()) {
            return null;
        }
        Path path = config.pidFile().get();
        try {
            return PidFile.write(path);
        } catch (IOException e) {
            throw new IOException("cannot write pidFile " + path + ": " + e, e);
        }
    }

    /**
     * Starts the file watch, of the file and of the certificate files of the configuration serving, when
     * {@code watch: true} (null otherwise). @throws IOException naming the file
     */
    private ConfigWatch watch(GatewayConfig config, Reloader reloader) throws IOException {
        if (!config.watch()) {
            return null;
        }
        try {
            return ConfigWatch.start(file, () -> ConfigWatch.certificateFiles(reloader.serving().orElse(config)),
                    () -> reloader.request("file changed"));
        } catch (IOException e) {
            throw new IOException("cannot watch " + file + " (watch: true): " + e, e);
        }
    }

    /**
     * One line per listener. {@link Gateway#addresses()} lists the bound addresses in the order of
     * {@link GatewayConfig#allListeners()}, so the two are paired by position (a configured port 0 shows the
     * port actually bound).
     */
    private static void logListeners(GatewayConfig config, List<InetSocketAddress> bound) {
        List<ListenAddress> configured = new ArrayList<>(config.allListeners());
        for (int i = 0; i < configured.size(); i++) {
            ListenAddress listener = configured.get(i);
            long vhosts = config.vhosts().stream().filter(v -> config.listenersOf(v).contains(listener)).count();
            // As the YAML writes it, "tls" or "h2c" included, so an operator sees which port speaks what.
            String address = (i < bound.size() ? at(bound.get(i), listener.tls(), listener.h2c()) : listener).toString();
            LOG.info("listening on " + address + " (" + RouteReport.count((int) vhosts, "vhost") + ")");
        }
    }

    private static String format(InetSocketAddress address) {
        return at(address, false, false).toString();
    }

    /** A bound address as a listener speaking {@code tls} or {@code h2c}: a configured port 0 is the real one. */
    private static ListenAddress at(InetSocketAddress address, boolean tls, boolean h2c) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return new ListenAddress(host, address.getPort(), tls, h2c);
    }
}
