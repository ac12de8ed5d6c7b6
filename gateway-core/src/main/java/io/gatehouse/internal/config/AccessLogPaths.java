package io.gatehouse.internal.config;

import io.gatehouse.config.AccessLogConfig;

/**
 * What an {@code accessLog.path} may be, shared by {@link AccessLogConfig}'s constructor and the YAML reader, which
 * reports a refused path at its line and resolves a file path against the YAML file's directory.
 */
public final class AccessLogPaths {

    private static final String LOGGER_PREFIX = AccessLogConfig.LOGGER + ":";
    private static final String VALID_PATHS = "expected \"-\" (standard output), off, logger (the logger "
            + AccessLogConfig.DEFAULT_LOGGER + "), logger:NAME (the logger NAME) or a file path";

    private AccessLogPaths() {
    }

    /**
     * Whether {@code path} names a file, as opposed to standard output, off or a logger.
     *
     * @param path a checked {@code accessLog.path}
     * @return true for a file path
     */
    public static boolean isFile(String path) {
        return !path.equals(AccessLogConfig.STDOUT) && !path.equals(AccessLogConfig.OFF) && !path.equals(AccessLogConfig.LOGGER)
                && !path.startsWith(LOGGER_PREFIX);
    }

    /**
     * The logger a {@code logger:NAME} path names.
     *
     * @param path a checked {@code accessLog.path}
     * @return {@code NAME}, or null when {@code path} is not a {@code logger:NAME}
     */
    public static String namedLogger(String path) {
        return path.startsWith(LOGGER_PREFIX) ? path.substring(LOGGER_PREFIX.length()) : null;
    }

    /**
     * {@code path} if it can be one.
     *
     * @param path as written
     * @return {@code path}
     * @throws IllegalArgumentException when it is empty, or a {@code logger:} whose name is empty or has spaces
     */
    public static String checked(String path) {
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
