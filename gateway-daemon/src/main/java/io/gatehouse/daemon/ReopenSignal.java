package io.gatehouse.daemon;

import sun.misc.Signal;

import java.util.logging.Logger;

/**
 * SIGUSR1 reopens the access log, as for nginx and Apache: logrotate renames the file, then its {@code postrotate}
 * sends {@code kill -USR1}, and the lines after that go to a new file of the configured name. See
 * {@link StopSignals} for why {@code sun.misc.Signal}.
 */
final class ReopenSignal {

    private static final Logger LOG = Logger.getLogger(ReopenSignal.class.getName());

    private ReopenSignal() {
    }

    /** Runs {@code reopen} (which must return quickly) on each SIGUSR1; logs a warning when the JVM cannot. */
    static void install(Runnable reopen) {
        try {
            Signal.handle(new Signal("USR1"), signal -> {
                LOG.info("SIGUSR1: reopening the access log");
                reopen.run();
            });
        } catch (IllegalArgumentException e) {
            LOG.warning("cannot handle SIGUSR1 (" + e.getMessage() + "); rotate the access log with copytruncate instead");
        }
    }
}
