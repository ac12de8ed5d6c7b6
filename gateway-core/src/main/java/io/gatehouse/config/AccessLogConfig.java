package io.gatehouse.config;

import io.gatehouse.internal.config.AccessLogPaths;
import io.gatehouse.internal.config.Keys;
import java.util.Optional;

/**
 * Where and how each request is logged. {@code path} is one of:
 * <ul>
 *   <li>{@code "-"}: standard output;</li>
 *   <li>{@code "off"}: no access log;</li>
 *   <li>{@code "logger"}: one record per line, at INFO, to the {@link System.Logger} named
 *       {@value #DEFAULT_LOGGER} (java.util.logging unless the application routes System.Logger elsewhere);</li>
 *   <li>{@code "logger:NAME"}: the same, to the logger named {@code NAME};</li>
 *   <li>anything else: a file, created with its directories and appended to.</li>
 * </ul>
 */
public record AccessLogConfig(String path, Format format) {

    /** The {@code path} for standard output. */
    public static final String STDOUT = "-";
    /** The {@code path} that turns the access log off. */
    public static final String OFF = "off";
    /** The {@code path} that sends each line to the logger named {@value #DEFAULT_LOGGER}. */
    public static final String LOGGER = "logger";
    /** The logger {@code path: logger} writes to. */
    public static final String DEFAULT_LOGGER = "gatehouse.access";

    /** What a YAML file without {@code accessLog} gets: standard output, {@code combined}. */
    public static final AccessLogConfig DEFAULTS = new AccessLogConfig(Keys.ACCESS_LOG_PATH.defaultValue(),
            Keys.ACCESS_LOG_FORMAT.defaultValue());
    /** No access log. */
    public static final AccessLogConfig OFF_CONFIG = new AccessLogConfig(OFF, Format.COMBINED);

    /** How a line is written: Apache's {@code common} or {@code combined} log format, or one JSON object. */
    public enum Format {
        /** Apache's common log format. */
        COMMON,
        /** Apache's combined log format: common, then the Referer and the User-Agent. */
        COMBINED,
        /** One JSON object per line. */
        JSON
    }

    /**
     * @param path   where the lines go, as {@code accessLog.path} says (a file path as given: a YAML file's relative
     *               path is resolved by the reader, not here)
     * @param format how each line is written
     * @throws IllegalArgumentException when {@code path} is empty, or {@code logger:} without a name
     * @throws NullPointerException     when either is null
     */
    public AccessLogConfig {
        try {
            AccessLogPaths.checked(RecordChecks.present(Keys.ACCESS_LOG_PATH, path));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Keys.ACCESS_LOG_PATH.path() + ": " + e.getMessage(), e);
        }
        RecordChecks.present(Keys.ACCESS_LOG_FORMAT, format);
    }

    /**
     * Whether requests are logged.
     *
     * @return false for {@code path: off}
     */
    public boolean enabled() {
        return !OFF.equals(path);
    }

    /**
     * The logger the lines go to.
     *
     * @return {@value #DEFAULT_LOGGER} for {@code path: logger}, {@code NAME} for {@code logger:NAME}, else empty
     */
    public Optional<String> loggerName() {
        return LOGGER.equals(path) ? Optional.of(DEFAULT_LOGGER) : Optional.ofNullable(AccessLogPaths.namedLogger(path));
    }
}
