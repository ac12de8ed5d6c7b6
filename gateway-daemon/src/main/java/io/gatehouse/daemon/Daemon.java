package io.gatehouse.daemon;

import io.gatehouse.Gateway;
import io.gatehouse.ListenerBindException;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code gatehouse run}: load the configuration, bind every listener, serve until SIGTERM or SIGINT, then stop
 * accepting, let in-flight requests finish for up to {@code shutdown.drainTimeout}, and return {@link Main#OK}.
 * Every step is one line in the event log; a bad configuration or an unbindable listener is reported without a
 * stack trace and returns {@link Main#BAD_CONFIG} or {@link Main#CANNOT_BIND} before anything is served.
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
        // Before anything is bound, so that a signal during start-up still ends in a drain and status 0.
        StopSignals signals = StopSignals.install();
        try {
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

            DaemonMetrics metrics = config.admin().enabled() ? new DaemonMetrics() : null;
            AtomicBoolean ready = new AtomicBoolean();
            AdminServer admin;
            Gateway gateway;
            try {
                admin = startAdmin(config, metrics, ready);
                try {
                    gateway = Gateway.start(config, metrics == null ? null : metrics.registry());
                } catch (ListenerBindException e) {
                    closeAll(admin, metrics);
                    throw e;
                }
            } catch (ListenerBindException e) {
                BindFailure failure = BindFailure.explain(e, file.toString());
                LOG.severe(failure.summary());
                failure.advice().forEach(line -> err.println("    " + line));
                LOG.severe("not started: a listener cannot be bound");
                return Main.CANNOT_BIND;
            }
            logListeners(config, gateway.addresses());
            ReopenSignal.install(gateway::reopenAccessLog);
            ready.set(true);
            config.warnings().forEach(warning -> LOG.warning(warning.toString()));
            LOG.info("gatehouse " + version + " started (pid " + ProcessHandle.current().pid() + ", "
                    + RouteReport.count(config.vhosts().size(), "vhost") + ", config " + file.toAbsolutePath() + ")");

            String reason = signals.await();
            ready.set(false);
            Duration deadline = config.shutdown().drainTimeout();
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.severe("interrupted while serving; exiting");
            return Main.INTERNAL_ERROR;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected failure, please report it", e);
            return Main.INTERNAL_ERROR;
        }
    }

    /** The admin listener when {@code admin} is configured, else null; warns when it is not on loopback. */
    private static AdminServer startAdmin(GatewayConfig config, DaemonMetrics metrics, AtomicBoolean ready) {
        if (!config.admin().enabled()) {
            return null;
        }
        AdminServer admin = AdminServer.start(config.admin().listen().orElseThrow(), metrics.registry(), config, ready::get);
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
            String address = i < bound.size() ? format(bound.get(i)) : listener.toString();
            LOG.info("listening on " + address + " (" + RouteReport.count((int) vhosts, "vhost") + ")");
        }
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
