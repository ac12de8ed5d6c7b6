package io.gatehouse.daemon;

import io.gatehouse.Gateway;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import io.gatehouse.config.GatewayConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code gatehouse} command: {@code run}, {@code check}, {@code reload}, {@code --version}, {@code --help}.
 *
 * <p>Exit statuses (documented in src-docs/daemon.md): {@link #OK}, {@link #BAD_CONFIG}, {@link #CANNOT_BIND},
 * {@link #NOT_RUNNING}, {@link #USAGE}, {@link #INTERNAL_ERROR}.
 */
public final class Main {

    /** Clean stop after SIGTERM/SIGINT; a valid config for {@code check}; help and version. */
    public static final int OK = 0;
    /** The configuration file is missing, unreadable or invalid; nothing was started. */
    public static final int BAD_CONFIG = 1;
    /** A listener could not be bound (in use, not a local address, or a privileged port); nothing is served. */
    public static final int CANNOT_BIND = 2;
    /** {@code reload}: no running gatehouse to signal (no pidFile key, no pidFile, or its process is gone). */
    public static final int NOT_RUNNING = 3;
    /** The command line is wrong (sysexits.h EX_USAGE). */
    public static final int USAGE = 64;
    /** A bug: an unexpected exception, logged with its stack trace (sysexits.h EX_SOFTWARE). */
    public static final int INTERNAL_ERROR = 70;

    static final String USAGE_TEXT = """
            Usage: gatehouse <command> [arguments]

            Commands:
              run <config.yaml>     serve the configuration until SIGTERM or SIGINT, then drain and exit
              check <config.yaml>   validate the configuration and print its routes (like nginx -t)
              reload <config.yaml>  validate it, then send SIGHUP to the gatehouse in its pidFile (like nginx -s reload)

            Options:
              -h, --help            show this help
              -V, --version         show the version

            Signals to run: SIGTERM/SIGINT drain and stop, SIGHUP reloads the configuration.
            Exit status: 0 ok or clean stop, 1 bad configuration, 2 cannot bind a listener,
                         3 reload: no running gatehouse, 64 usage error, 70 internal error.
            Environment: GATEHOUSE_LOG_LEVEL   error, warn, info (default), debug or trace
                         GATEHOUSE_JAVA_OPTS   JVM options for bin/gatehouse (replace its defaults)
            Documentation: src-docs/daemon.md
            """;

    private Main() {
    }

    /**
     * Runs the command and exits the JVM with its status; a usage error, a bad configuration or an unbindable
     * listener is one message on standard error, never a stack trace. {@code run} returns only after a stop signal
     * and the drain.
     *
     * @param args a command and its argument, as {@code gatehouse --help} lists them
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command {@code args} describe, writing results to {@code out} and diagnostics to {@code err}.
     * {@code run} blocks until SIGTERM or SIGINT. Never calls {@link System#exit}.
     *
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Invocation invocation;
        try {
            invocation = Invocation.parse(args);
        } catch (Invocation.UsageException e) {
            err.println("gatehouse: " + e.getMessage());
            err.println("Try 'gatehouse --help'.");
            return USAGE;
        }
        return switch (invocation.command()) {
            case HELP -> {
                out.print(USAGE_TEXT);
                yield OK;
            }
            case VERSION -> {
                out.println("gatehouse " + version());
                yield OK;
            }
            case CHECK -> {
                try {
                    yield check(invocation.config(), out, err);
                } catch (RuntimeException e) {
                    err.print("gatehouse: unexpected failure, please report it: ");
                    e.printStackTrace(err);
                    yield INTERNAL_ERROR;
                }
            }
            case RELOAD -> {
                try {
                    yield reload(invocation.config(), out, err);
                } catch (RuntimeException e) {
                    err.print("gatehouse: unexpected failure, please report it: ");
                    e.printStackTrace(err);
                    yield INTERNAL_ERROR;
                }
            }
            case RUN -> runDaemon(invocation.config(), err);
        };
    }

    /** Like {@code nginx -t}: the routes on {@code out} and status 0, or every problem on {@code err} and status 1. */
    private static int check(Path file, PrintStream out, PrintStream err) {
        GatewayConfig config = validated(file, err);
        if (config == null) {
            return BAD_CONFIG;
        }
        out.print(RouteReport.of(config));
        for (ConfigProblem warning : config.warnings()) {
            out.println("warning: " + warning);
        }
        out.println("gatehouse: " + file + ": configuration is valid");
        return OK;
    }

    /**
     * Like {@code nginx -s reload}, with {@code nginx -t} first: an invalid file is reported here (status 1) and
     * nothing is signalled. A valid one gets the process in its {@code pidFile} a SIGHUP (status 0); the outcome of
     * the reload itself is in that process's log. No pidFile key, no pidFile, or no such process: status 3.
     */
    private static int reload(Path file, PrintStream out, PrintStream err) {
        GatewayConfig config = validated(file, err);
        if (config == null) {
            return BAD_CONFIG;
        }
        if (config.pidFile().isEmpty()) {
            err.println("gatehouse: " + file + " sets no pidFile, so the running gatehouse cannot be found; "
                    + "add pidFile to it, or send SIGHUP yourself (systemctl reload gatehouse, kill -HUP <pid>)");
            return NOT_RUNNING;
        }
        Path pidFile = config.pidFile().get();
        Optional<Long> pid;
        try {
            pid = PidFile.read(pidFile);
        } catch (IOException e) {
            err.println("gatehouse: cannot read pidFile: " + e.getMessage());
            return NOT_RUNNING;
        }
        boolean alive = pid.isPresent() && ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            err.println("gatehouse: not running: " + (pid.isEmpty() ? pidFile + " does not exist" : "no process " + pid.get()
                    + " (" + pidFile + " is stale)"));
            return NOT_RUNNING;
        }
        try {
            HangupSignal.send(pid.get());
        } catch (IOException e) {
            err.println("gatehouse: cannot signal process " + pid.get() + ": " + e.getMessage());
            return NOT_RUNNING;
        }
        out.println("gatehouse: " + file + ": configuration is valid; sent SIGHUP to process " + pid.get()
                + ", which logs the outcome of the reload");
        return OK;
    }

    /** The loaded configuration, or null after printing every problem on {@code err}. */
    private static GatewayConfig validated(Path file, PrintStream err) {
        try {
            return GatewayConfig.load(file);
        } catch (ConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                err.println(problem);
            }
            err.println("gatehouse: " + file + ": " + RouteReport.count(e.problems().size(), "problem") + ", configuration is not valid");
            return null;
        } catch (UncheckedIOException e) {
            err.println(file + ": cannot read: " + e.getCause().getMessage());
            return null;
        }
    }

    private static int runDaemon(Path file, PrintStream err) {
        try {
            OperatorLogging.install(err, System.getenv("GATEHOUSE_LOG_LEVEL"));
        } catch (IllegalArgumentException e) {
            err.println("gatehouse: GATEHOUSE_LOG_LEVEL: " + e.getMessage());
            return USAGE;
        }
        Gateway.preload();
        return new Daemon(file, version(), err).run();
    }

    /** The jar manifest's Implementation-Version; absent when run from classes rather than the packaged jar. */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development build: no jar manifest)";
    }
}
