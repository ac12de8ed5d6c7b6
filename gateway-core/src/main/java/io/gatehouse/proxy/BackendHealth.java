package io.gatehouse.proxy;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether one backend takes requests. Passive: {@code failures} refused or reset connections in a row take it out
 * for {@code coolOff} (nginx {@code max_fails} / {@code fail_timeout}); after the cool-off it is tried again and
 * needs as many failures in a row to go out again. Active: a failing health check keeps it out until a check passes.
 *
 * <p>Thread-safe without locks: every IO thread reports outcomes, and {@link #available} is read per request.
 */
final class BackendHealth {

    private final URI backend;
    private final int failuresToTakeOut;
    private final long coolOffNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** {@link System#nanoTime()} before which the backend is out; in the past while it is in. */
    private volatile long outUntil = System.nanoTime();
    private volatile boolean checkFailing;

    BackendHealth(URI backend, int failuresToTakeOut, long coolOffMillis) {
        this.backend = backend;
        this.failuresToTakeOut = failuresToTakeOut;
        this.coolOffNanos = TimeUnit.MILLISECONDS.toNanos(coolOffMillis);
    }

    boolean available(long nanoTime) {
        return !checkFailing && nanoTime - outUntil >= 0;
    }

    /** The backend refused, timed out or reset a connection before answering. */
    void failed() {
        if (consecutiveFailures.incrementAndGet() >= failuresToTakeOut) {
            consecutiveFailures.set(0);
            outUntil = System.nanoTime() + coolOffNanos;
            ProxyLog.backend(backend, "taken out for " + TimeUnit.NANOSECONDS.toMillis(coolOffNanos) + "ms after "
                    + failuresToTakeOut + " failure(s) in a row");
        }
    }

    /** The backend answered: the failures so far were not in a row. */
    void answered() {
        // Read first: most answers find the counter at 0, and a write would contend across IO threads.
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** The outcome of an active check; logs a change. */
    void checked(boolean passed, String detail) {
        if (checkFailing == passed) {
            checkFailing = !passed;
            ProxyLog.backend(backend, passed ? "health check passed, back in rotation" : "health check failed (" + detail + "), taken out");
        }
    }

    BackendState state(int inFlight) {
        BackendState.Status status = checkFailing ? BackendState.Status.CHECK_FAILING
                : available(System.nanoTime()) ? BackendState.Status.UP : BackendState.Status.COOLING_OFF;
        return new BackendState(backend, status, inFlight, consecutiveFailures.get());
    }
}
