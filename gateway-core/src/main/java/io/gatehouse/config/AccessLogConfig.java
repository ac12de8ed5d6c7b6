package io.gatehouse.config;

/**
 * Where and how each request is logged. {@code path} is a file, {@code "-"} for standard output, or
 * {@code "off"}.
 */
public record AccessLogConfig(String path, Format format) {

    public static final String STDOUT = "-";
    public static final String OFF = "off";
    public static final AccessLogConfig DEFAULTS = new AccessLogConfig(STDOUT, Format.COMBINED);
    public static final AccessLogConfig OFF_CONFIG = new AccessLogConfig(OFF, Format.COMBINED);

    public enum Format { COMMON, COMBINED, JSON }

    public boolean enabled() {
        return !OFF.equals(path);
    }
}
