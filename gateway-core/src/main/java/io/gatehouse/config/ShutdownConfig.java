package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.time.Duration;

/** How long a graceful stop waits for in-flight requests before closing what is left. */
public record ShutdownConfig(Duration drainTimeout) {

    /** @throws IllegalArgumentException when {@code drainTimeout} is negative */
    public ShutdownConfig {
        RecordChecks.notNegative(Keys.SHUTDOWN_DRAIN_TIMEOUT, drainTimeout);
    }

    public static final ShutdownConfig DEFAULTS = new ShutdownConfig(Keys.SHUTDOWN_DRAIN_TIMEOUT.defaultValue());
}
