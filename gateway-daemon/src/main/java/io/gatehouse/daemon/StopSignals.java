package io.gatehouse.daemon;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Turns SIGTERM and SIGINT into a request to stop that the main thread waits for.
 *
 * <p>Why not a shutdown hook: the JVM's own handler for these signals starts the shutdown sequence, exits with
 * 128+signal (143 for SIGTERM) and runs java.util.logging's reset concurrently with the hooks, so a hook can
 * neither report a clean stop as exit status 0 nor reliably log the drain. Replacing the handlers lets the
 * daemon drain on its main thread, log every step, and then exit with the status it chooses.
 *
 * <p>{@code sun.misc.Signal} lives in the {@code jdk.unsupported} module, which JEP 260 keeps exported for
 * exactly this kind of use until a supported replacement exists; javac's "internal proprietary API" warnings
 * about it cannot be suppressed.
 */
final class StopSignals {

    private static final Logger LOG = Logger.getLogger(StopSignals.class.getName());

    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<String> reason = new AtomicReference<>();

    private StopSignals() {
    }

    /**
     * Installs handlers for SIGTERM and SIGINT. A signal the JVM cannot handle (for example under {@code -Xrs})
     * keeps its default behaviour, which is logged as a warning.
     */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                SignalHandler previous = Signal.handle(new Signal(name), signal -> signals.requestStop("SIG" + signal.getName()));
                if (previous == SignalHandler.SIG_IGN) {
                    // A shell starts background jobs with SIGINT ignored, and the JVM keeps it that way.
                    LOG.fine("SIG" + name + " is ignored in this process (started in the background?); stop it with SIGTERM");
                }
            } catch (IllegalArgumentException e) {
                LOG.warning("cannot handle SIG" + name + " (" + e.getMessage() + "); it will stop the process without draining");
            }
        }
        return signals;
    }

    /** Records the first reason to stop and wakes {@link #await()}; later calls change nothing. */
    void requestStop(String why) {
        if (reason.compareAndSet(null, why)) {
            stop.countDown();
        }
    }

    /** Blocks until a stop is requested. @return what requested it, such as {@code SIGTERM} */
    String await() throws InterruptedException {
        stop.await();
        return reason.get();
    }
}
