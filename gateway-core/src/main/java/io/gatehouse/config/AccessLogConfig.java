package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;

/**
 * Where and how each request is logged. {@code path} is a file, {@code "-"} for standard output, or
 * {@code "off"}.
 */
public record AccessLogConfig(String path, Format format) {

    public static final String STDOUT = "-";
    public static final String OFF = "off";
    public static final AccessLogConfig DEFAULTS = new AccessLogConfig(Keys.ACCESS_LOG_PATH.defaultValue(),
            Keys.ACCESS_LOG_FORMAT.defaultValue());
    public static final AccessLogConfig OFF_CONFIG = new AccessLogConfig(OFF, Format.COMBINED);

    public enum Format { COMMON, COMBINED, JSON }

    /** @throws IllegalArgumentException when {@code path} is empty */
    public AccessLogConfig {
        if (RecordChecks.present(Keys.ACCESS_LOG_PATH, path).isBlank()) {
            throw new IllegalArgumentException(Keys.ACCESS_LOG_PATH.path() + ": must not be empty");
        }
        RecordChecks.present(Keys.ACCESS_LOG_FORMAT, format);
    }

    public boolean enabled() {
        return !OFF.equals(path);
    }
}
