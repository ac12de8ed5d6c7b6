package io.gatehouse.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waiting on a latch in a test, where a latch that never opens is a failure rather than a hang. */
public final class Latches {

    private Latches() {
    }

    /** Waits up to 10 s for {@code latch} to open; throws an {@link AssertionError} when it does not. */
    public static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
