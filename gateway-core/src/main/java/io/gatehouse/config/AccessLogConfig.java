package io.gatehouse.config;

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
    private static final String LOGGER_PREFIX = LOGGER + ":";
    /** What a {@code path} may be, for the message that refuses one. */
    static final String VALID_PATHS = "expected \"-\" (standard output), off, logger (the logger " + DEFAULT_LOGGER
            + "), logger:NAME (the logger NAME) or a file path";

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
            checkedPath(RecordChecks.present(Keys.ACCESS_LOG_PATH, path));
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
        if (LOGGER.equals(path)) {
            return Optional.of(DEFAULT_LOGGER);
        }
        return path.startsWith(LOGGER_PREFIX) ? Optional.of(path.substring(LOGGER_PREFIX.length())) : Optional.empty();
    }

    /** Whether {@code path} names a file, as opposed to standard output, off or a logger. */
    static boolean isFile(String path) {
        return !path.equals(STDOUT) && !path.equals(OFF) && !path.equals(LOGGER) && !path.startsWith(LOGGER_PREFIX);
    }

    /**
     * {@code path} if it can be one.
     *
     * @throws IllegalArgumentException when it is empty, or a {@code logger:} whose name is empty or has spaces
     */
    static String checkedPath(String path) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("must not be empty; " + VALID_PATHS);
        }
        if (path.startsWith(LOGGER_PREFIX)) {
            String name = path.substring(LOGGER_PREFIX.length());
            if (name.isEmpty() || name.codePoints().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("'" + path + "' names no logger (a name without spaces after "
                        + "the colon, like logger:com.example.access); " + VALID_PATHS);
            }
        }
        return path;
    }
}
