package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.time.Duration;

/**
 * {@code shutdown}: how a stop or a reload lets requests finish.
 *
 * @param drainTimeout how long a graceful stop (or the retiring configuration of a reload) waits for in-flight
 *                     requests before closing what is left; 0 closes at once
 */
public record ShutdownConfig(Duration drainTimeout) {

    /**
     * Checks the timeout.
     *
     * @param drainTimeout 0 or more
     * @throws IllegalArgumentException when {@code drainTimeout} is negative, naming its key
     */
    public ShutdownConfig {
        RecordChecks.notNegative(Keys.SHUTDOWN_DRAIN_TIMEOUT, drainTimeout);
    }

    /** The drain when {@code shutdown} is not given. */
    public static final ShutdownConfig DEFAULTS = new ShutdownConfig(Keys.SHUTDOWN_DRAIN_TIMEOUT.defaultValue());
}
