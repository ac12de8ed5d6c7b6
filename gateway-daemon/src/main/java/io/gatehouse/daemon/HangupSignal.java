package io.gatehouse.daemon;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * SIGHUP asks for a reload, as it does for nginx, Apache httpd and HAProxy. Without this handler the JVM would
 * treat SIGHUP as a request to exit. See {@link StopSignals} for why {@code sun.misc.Signal}.
 */
final class HangupSignal {

    private static final Logger LOG = Logger.getLogger(HangupSignal.class.getName());

    private HangupSignal() {
    }

    /**
     * Sends SIGHUP to process {@code pid}. Java can only signal its own process, so this runs the shell's
     * {@code kill} builtin (present wherever {@code /bin/sh} is, unlike a {@code kill} binary in slim images).
     *
     * @throws IOException with kill's message when the signal could not be sent (no such process, not permitted)
     */
    static void send(long pid) throws IOException {
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s HUP \"$1\"", "gatehouse-reload", Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (kill.waitFor() != 0) {
                throw new IOException(output.isEmpty() ? "kill failed" : output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling", e);
        }
    }

    /** Calls {@code reload} (which must not block: it runs on the JVM's signal thread) for every SIGHUP. */
    static void install(Runnable reload) {
        try {
            SignalHandler previous = Signal.handle(new Signal("HUP"), signal -> reload.run());
            if (previous == SignalHandler.SIG_IGN) {
                // nohup starts the process with SIGHUP ignored, and the JVM keeps it that way.
                LOG.warning("SIGHUP is ignored in this process (started with nohup?); reload with watch: true, or restart");
            }
        } catch (IllegalArgumentException e) {
            LOG.warning("cannot handle SIGHUP (" + e.getMessage() + "); reload with the file watch or restart instead");
        }
    }
}
