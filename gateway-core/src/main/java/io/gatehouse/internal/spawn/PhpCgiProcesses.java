package io.gatehouse.internal.spawn;

import io.gatehouse.config.FastCgiConfig;
import io.gatehouse.internal.observe.RepeatedEvents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The php-cgi masters of one {@code fastcgi.spawn}, each bound to a port of its own on 127.0.0.1 that it keeps for
 * its life and its restarts, so that the FastCGI proxy's backends ({@link #backends()}) never change.
 *
 * <p>Each master runs under a small {@code sh} wrapper whose standard input is a pipe from this JVM. The wrapper
 * runs php-cgi in the background and waits for either end: when php-cgi exits, the wrapper kills what is left of its
 * process group (the workers of a master that was killed would otherwise keep the port) and exits with php-cgi's
 * status; when the pipe reaches end of file, because {@link #close()} closed it or because the JVM died, even by
 * SIGKILL, the wrapper sends SIGTERM to php-cgi, whose master passes it on to its workers. So no php-cgi outlives the
 * gateway that spawned it. The wrapper ignores the signals sent to the gateway's whole process group (see
 * {@link #WRAPPER}), which would otherwise end it and leave php-cgi behind. A master still running
 * {@link #STOP_GRACE} after SIGTERM is killed, and its wrapper then kills its process group: a worker the master
 * forked at the last moment is in the group too.
 *
 * <p>A master that exits is restarted: one WARNING line per exit, with its status, repeats summarised by the
 * owner's log; a master that dies within {@link #QUICK_DEATH} of its start waits before the next start, 100 ms
 * doubling up to {@link #MAX_BACKOFF}, so a broken installation does not spin. {@link #retain()} lends the
 * processes to the next handler tree of a reload with the same settings; the last {@link #close()} stops them.
 * Thread-safe.
 */
public final class PhpCgiProcesses implements AutoCloseable {

    /** How long a master may take to accept connections after it was started. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    /** How long the masters have to exit after SIGTERM before they are killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** A master that dies sooner after its start is started again only after a back-off. */
    static final Duration QUICK_DEATH = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    /**
     * Runs {@code "$@"} (php-cgi and its arguments) in the background; ends it when standard input (fd 3 once
     * standard input is /dev/null, as a background job's must be) reaches end of file; kills the rest of its
     * process group when it exits (php-cgi makes its workers a process group of their own, led by the master).
     * That kill follows {@code wait}, which has reaped the master, yet it cannot reach another program's group:
     * while a process of the group is alive, the kernel gives its id to no new process; with none alive there is
     * nothing to kill, and the id would be reused only after the kernel went round all of {@code pid_max} between
     * two commands of the wrapper.
     *
     * <p>The wrapper and its watcher are in the gateway's process group, which php-cgi, in a session of its own, is
     * not. A signal to the whole group (SIGTERM from {@code kill -TERM -PGID} or {@code timeout}, SIGHUP when the
     * terminal of a foreground {@code gatehouse run} closes) would kill them by default while the gateway handles it
     * and drains, or reloads: php-cgi would be left running, orphaned, on its port, and the gateway would take the
     * wrapper's death for php-cgi's exit. (SIGINT, from Ctrl-C, would kill the wrapper alone: a background job such
     * as the watcher ignores it.) So they ignore those signals, from the first command on, and stop php-cgi only as
     * above. php-cgi is started in a subshell that restores SIGHUP and SIGTERM before it executes php-cgi, so that
     * php-cgi starts with them as under any other parent: an ignored signal stays ignored across exec and fork, in
     * php-cgi, its workers and whatever a script runs (PHP 8's php-cgi catches SIGTERM, but would ignore SIGHUP), and
     * a shell script given as the command could not even trap it. SIGINT and SIGQUIT stay ignored, as for any
     * background job of a non-interactive shell.
     */
    private static final String WRAPPER = String.join("\n",
            "trap '' HUP INT QUIT TERM",
            "exec 3<&0 </dev/null",
            "(trap - HUP TERM; exec \"$@\") &",
            "pid=$!",
            "(read -r _ <&3; kill -TERM \"$pid\" -\"$pid\") 2>/dev/null &",
            "watcher=$!",
            "wait \"$pid\"",
            "status=$?",
            "kill -KILL -\"$pid\" \"$watcher\" 2>/dev/null",
            "exit \"$status\"");

    /** The variables copied from the gateway's environment, as Debian's lighttpd {@code bin-copy-environment}. */
    static final List<String> COPIED_ENVIRONMENT = List.of("PATH", "SHELL", "USER");

    private final FastCgiConfig.Spawn spawn;
    private final RepeatedEvents log;
    private final List<Master> masters = new ArrayList<>();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "gatehouse-php-cgi");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger users = new AtomicInteger(1);
    private volatile boolean stopping;

    private PhpCgiProcesses(FastCgiConfig.Spawn spawn, RepeatedEvents log) {
        this.spawn = spawn;
        this.log = log;
    }

    /**
     * Starts {@code spawn.processes()} masters and waits until each accepts connections.
     *
     * @param spawn what to run
     * @param log   where exits are logged; the owner's, not closed here
     * @return the running processes; close to stop them
     * @throws UncheckedIOException when a master cannot be started, exits, or does not accept connections within
     *                              {@link #START_TIMEOUT}; the masters already started are stopped then
     */
    public static PhpCgiProcesses start(FastCgiConfig.Spawn spawn, RepeatedEvents log) {
        PhpCgiProcesses processes = new PhpCgiProcesses(spawn, log);
        try {
            for (int i = 0; i < spawn.processes(); i++) {
                Master master = processes.new Master(freePort());
                processes.masters.add(master);
                master.launch();
            }
        } catch (IOException | RuntimeException e) {
            processes.stop();
            throw e instanceof UncheckedIOException unchecked ? unchecked
                    : new UncheckedIOException(new IOException("fastcgi.spawn: " + e.getMessage(), e));
        }
        processes.masters.forEach(Master::watch);
        return processes;
    }

    /** @return the settings these processes run with */
    public FastCgiConfig.Spawn spawn() {
        return spawn;
    }

    /** @return {@code fcgi://127.0.0.1:PORT} of each master, in order; the same for the processes' whole life */
    public List<URI> backends() {
        return masters.stream().map(master -> URI.create("fcgi://127.0.0.1:" + master.port)).toList();
    }

    /**
     * The process ids of the php-cgi masters now accepting connections (a restarting one is left out), for status
     * and tests.
     *
     * @return one id per running master
     */
    public List<Long> masterPids() {
        List<Long> pids = new ArrayList<>();
        for (Master master : masters) {
            long pid = master.readyPid;
            if (pid > 0) {
                pids.add(pid);
            }
        }
        return pids;
    }

    /**
     * One more user, for the handler tree of a reload with the same settings; each user closes once.
     *
     * @return this
     * @throws IllegalStateException when the processes were already stopped
     */
    public PhpCgiProcesses retain() {
        if (users.getAndUpdate(n -> n == 0 ? 0 : n + 1) == 0) {
            throw new IllegalStateException("the php-cgi processes were stopped");
        }
        return this;
    }

    /**
     * Releases one user; the last stops the masters: SIGTERM (through the wrapper), and SIGKILL to each master still
     * running after {@link #STOP_GRACE}, then to its whole process group (by the wrapper). Returns when they are
     * gone.
     */
    @Override
    public void close() {
        if (users.decrementAndGet() == 0) {
            stop();
        }
    }

    private void stop() {
        stopping = true;
        restarts.shutdownNow();
        try {
            // A restart under way assigns its wrapper before it ends, so that the loop below ends that one too.
            restarts.awaitTermination(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Master master : masters) {
            master.terminate();
        }
        for (Master master : masters) {
            master.awaitGone();
        }
    }

    @Override
    public String toString() {
        return "php-cgi " + spawn.command() + " on " + backends();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** One php-cgi master and its wrapper, on its port. */
    private final class Master {
        final int port;
        /** The wrapper now running; written by the starting thread, then by the restart thread only. */
        volatile Process wrapper;
        /** The master's pid while it accepts connections, else 0. */
        volatile long readyPid;
        private long startedAt;
        private Duration backoff = Duration.ZERO;

        Master(int port) {
            this.port = port;
        }

        /** Starts the wrapper and waits until php-cgi accepts connections on the port. */
        void launch() {
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "php-cgi-wrapper"));
            command.addAll(spawn.commandLine());
            command.addAll(List.of("-b", "127.0.0.1:" + port));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            Map<String, String> environment = builder.environment();
            Map<String, String> own = Map.copyOf(environment);
            environment.clear();
            for (String name : COPIED_ENVIRONMENT) {
                if (own.containsKey(name)) {
                    environment.put(name, own.get(name));
                }
            }
            environment.put("PHP_FCGI_CHILDREN", Integer.toString(spawn.children()));
            environment.put("PHP_FCGI_MAX_REQUESTS", Integer.toString(spawn.maxRequests()));
            Process started;
            startedAt = System.nanoTime();
            try {
                started = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("fastcgi.spawn: cannot start " + spawn.command() + ": " + e.getMessage(), e);
            }
            wrapper = started;
            long pid = awaitAccepting(started);
            readyPid = pid;
        }

        /** Polls the port until it accepts, the wrapper exits, or the start timeout passes; the master's pid. */
        private long awaitAccepting(Process started) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            while (true) {
                if (!started.isAlive()) {
                    throw new UncheckedIOException(new IOException("fastcgi.spawn: " + spawn.command()
                            + " exited with status " + started.exitValue() + " before accepting connections on 127.0.0.1:"
                            + port + " (its messages are on the gateway's standard error)"));
                }
                try (Socket probe = new Socket()) {
                    probe.connect(address, 200);
                    // The wrapper's php-cgi child is the master; it is there before the port is bound.
                    // The wrapper's other child is its watching subshell, which runs the shell's own program.
                    String shell = started.info().command().orElse("");
                    return started.children().filter(child -> !child.info().command().orElse("").equals(shell))
                            .findFirst().map(ProcessHandle::pid).orElse(started.pid());
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) {
                        kill(started);
                        throw new UncheckedIOException(new IOException("fastcgi.spawn: " + spawn.command()
                                + " did not accept connections on 127.0.0.1:" + port + " within " + START_TIMEOUT.toSeconds()
                                + " s"));
                    }
                    pause();
                }
            }
        }

        private void pause() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException("fastcgi.spawn: interrupted while starting"));
            }
        }

        /** Restarts the master when its wrapper exits, unless the processes are stopping. */
        void watch() {
            Process watched = wrapper;
            watched.onExit().thenAccept(this::exited);
        }

        private void exited(Process gone) {
            readyPid = 0;
            if (stopping) {
                return;
            }
            boolean quick = System.nanoTime() - startedAt < QUICK_DEATH.toNanos();
            backoff = !quick ? Duration.ZERO
                    : backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
            int status = gone.exitValue();
            log.event("restarting php-cgi on 127.0.0.1:" + port,
                    "php-cgi exited with status " + status + (status > 128 ? " (signal " + (status - 128) + ")" : "")
                            + (backoff.isZero() ? ";" : " within " + QUICK_DEATH.toSeconds() + " s of its start, next start in "
                                    + backoff.toMillis() + " ms;"));
            try {
                restarts.schedule(this::restart, backoff.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // close() raced with the exit: nothing to restart.
            }
        }

        private void restart() {
            if (stopping) {
                return;
            }
            try {
                launch();
            } catch (UncheckedIOException e) {
                // Counted as a quick death by exited(), which the wrapper's exit triggers below.
                log.event("restarting php-cgi on 127.0.0.1:" + port, e.getMessage() + ";");
            }
            watch();
        }

        /** Closes the wrapper's standard input: the wrapper sends SIGTERM to php-cgi. */
        void terminate() {
            Process running = wrapper;
            if (running == null) {
                return;
            }
            try {
                running.getOutputStream().close();
            } catch (IOException alreadyGone) {
                // The wrapper has exited: nothing to end.
            }
        }

        /**
         * Waits for the wrapper within the grace; then kills the master, waits as long again for the wrapper, and kills
         * the wrapper itself if it is still there.
         */
        void awaitGone() {
            Process running = wrapper;
            if (running == null) {
                return;
            }
            try {
                if (!running.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(running);
                    if (!running.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        running.destroyForcibly();   // a wrapper that cannot even kill a group must not stay either
                    }
                }
            } catch (InterruptedException e) {
                kill(running);
                Thread.currentThread().interrupt();
            }
        }

        /**
         * SIGKILL to the wrapper's children, the master (and the watching subshell, if still there); the wrapper,
         * whose wait for the master ends, then kills the master's process group and exits. The group, not a list of
         * the master's descendants killed from here: a list misses a worker that the master forks (replacing one
         * that exited) after it was taken and before the master died, which init would adopt and which would keep
         * the port. A group is signalled as a whole, a process being forked into it included.
         */
        private void kill(Process running) {
            running.children().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
