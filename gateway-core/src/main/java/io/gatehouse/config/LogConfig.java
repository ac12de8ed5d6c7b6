package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.time.Duration;

/**
 * {@code log}: the operator log (not the access log).
 *
 * @param repeatInterval a per-request warning that repeats (a refused backend, a refused request head) is logged
 *                       the first time, then summarised with its count at most once per this interval; zero logs
 *                       every occurrence
 */
public record LogConfig(Duration repeatInterval) {

    /**
     * Checks the interval.
     *
     * @param repeatInterval 0 or more
     * @throws IllegalArgumentException when {@code repeatInterval} is negative, naming its key
     */
    public LogConfig {
        RecordChecks.notNegative(Keys.LOG_REPEAT_INTERVAL, repeatInterval);
    }

    /** The operator log when {@code log} is not given. */
    public static final LogConfig DEFAULTS = new LogConfig(Keys.LOG_REPEAT_INTERVAL.defaultValue());
}
