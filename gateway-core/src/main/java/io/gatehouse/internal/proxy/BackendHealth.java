package io.gatehouse.internal.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether one backend is in rotation. Passive: {@code failures} refused or reset connections in a row mark it out
 * for {@code coolOff} (nginx {@code max_fails} / {@code fail_timeout}); after the cool-off it is tried again and
 * needs as many failures in a row to go out again. As in nginx, the passive marks never apply to a proxy's only
 * backend: taking it out would only turn the application's own restart into {@code coolOff} more seconds of errors.
 * Active: a failing health check marks it out until a check passes; a passing check also clears a passive mark, so
 * a backend comes back on its first passing check. A mark only steers the choice: when every backend is marked out,
 * the {@link Forwarder} tries them all the same.
 *
 * <p>Thread-safe without locks: every IO thread reports outcomes, and {@link #available} is read per request.
 */
final class BackendHealth {

    private final URI backend;
    /** Whether failed requests can mark it out: false for a proxy's only backend. */
    private final boolean passive;
    private final int failuresToTakeOut;
    private final long coolOffNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** {@link System#nanoTime()} before which the backend is out; in the past while it is in. */
    private volatile long outUntil = System.nanoTime();
    /** When the passive mark now or last in force was set. */
    private volatile long markedAt;
    private volatile boolean checkFailing;
    /** When the active check started failing; meaningful while {@link #checkFailing}. */
    private volatile long checkFailingSince;

    BackendHealth(URI backend, boolean passive, int failuresToTakeOut, long coolOffMillis) {
        this.backend = backend;
        this.passive = passive;
        this.failuresToTakeOut = failuresToTakeOut;
        this.coolOffNanos = TimeUnit.MILLISECONDS.toNanos(coolOffMillis);
    }

    boolean available(long nanoTime) {
        return !checkFailing && nanoTime - outUntil >= 0;
    }

    /** The backend refused, timed out or reset a connection before answering. */
    void failed() {
        if (consecutiveFailures.incrementAndGet() >= failuresToTakeOut && passive) {
            consecutiveFailures.set(0);
            long now = System.nanoTime();
            markedAt = now;
            outUntil = now + coolOffNanos;
            ProxyLog.backend(backend, "marked out for " + TimeUnit.NANOSECONDS.toMillis(coolOffNanos) + "ms after "
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

    /** The outcome of an active check; logs a change. A pass also ends a passive mark. */
    void checked(boolean passed, String detail) {
        long now = System.nanoTime();
        boolean wasOut = !available(now);
        if (passed && now - outUntil < 0) {
            outUntil = now;
            consecutiveFailures.set(0);
        }
        boolean changed = checkFailing == passed;
        if (changed) {
            checkFailingSince = now;
            checkFailing = !passed;
        }
        if (passed && wasOut) {
            ProxyLog.backend(backend, "health check passed, back in rotation");
        } else if (!passed && changed) {
            ProxyLog.backend(backend, "health check failed (" + detail + "), marked out");
        }
    }

    BackendState state(int inFlight) {
        long now = System.nanoTime();
        BackendState.Status status;
        long outFor;
        if (checkFailing) {
            status = BackendState.Status.CHECK_FAILING;
            outFor = now - checkFailingSince;
        } else if (!available(now)) {
            status = BackendState.Status.COOLING_OFF;
            outFor = now - markedAt;
        } else {
            status = BackendState.Status.UP;
            outFor = 0;
        }
        return new BackendState(backend, status, inFlight, consecutiveFailures.get(), Duration.ofNanos(outFor));
    }
}
