package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;

/**
 * {@code accessLog}: where and how each request is logged, one line per request.
 *
 * @param path   a file (appended to), {@value #STDOUT} for standard output, or {@value #OFF}
 * @param format the line format
 */
public record AccessLogConfig(String path, Format format) {

    /** The {@code path} that writes to standard output. */
    public static final String STDOUT = "-";
    /** The {@code path} that turns the access log off. */
    public static final String OFF = "off";
    /** The access log when {@code accessLog} is not given. */
    public static final AccessLogConfig DEFAULTS = new AccessLogConfig(Keys.ACCESS_LOG_PATH.defaultValue(),
            Keys.ACCESS_LOG_FORMAT.defaultValue());
    /** No access log. */
    public static final AccessLogConfig OFF_CONFIG = new AccessLogConfig(OFF, Format.COMBINED);

    /** {@code accessLog.format}: the line format. */
    public enum Format {
        /** The Common Log Format of Apache httpd and nginx. */
        COMMON,
        /** The Common Log Format with referrer and user agent, nginx's default {@code combined}. */
        COMBINED,
        /** One JSON object per line. */
        JSON
    }

    /**
     * Checks both are given.
     *
     * @param path   a file, {@value #STDOUT} or {@value #OFF}; not blank
     * @param format the line format
     * @throws IllegalArgumentException when {@code path} is blank
     * @throws NullPointerException     when either is null, naming its key
     */
    public AccessLogConfig {
        if (RecordChecks.present(Keys.ACCESS_LOG_PATH, path).isBlank()) {
            throw new IllegalArgumentException(Keys.ACCESS_LOG_PATH.path() + ": must not be empty");
        }
        RecordChecks.present(Keys.ACCESS_LOG_FORMAT, format);
    }

    /** @return whether requests are logged: {@code path} is not {@value #OFF} */
    public boolean enabled() {
        return !OFF.equals(path);
    }
}
