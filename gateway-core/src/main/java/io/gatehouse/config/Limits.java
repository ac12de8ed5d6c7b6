package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;

/**
 * {@code limits}: request size limits, and how an encoded slash in a path is read. Defaults follow nginx
 * ({@code large_client_header_buffers 4 8k}) and Apache ({@code LimitRequestFields 100}).
 *
 * @param maxBody        the most bytes of a request body (413 beyond it)
 * @param maxHeaderBytes the most bytes of a request's header section (431 beyond it)
 * @param maxHeaders     the most header fields of a request (431 beyond it)
 * @param maxUriBytes    the most bytes of a request target (414 beyond it)
 * @param encodedSlashes what routes make of {@code %2F} in a path
 */
public record Limits(long maxBody, int maxHeaderBytes, int maxHeaders, int maxUriBytes, EncodedSlashes encodedSlashes) {

    /**
     * Checks each value is in its range.
     *
     * @param maxBody        0 or more
     * @param maxHeaderBytes 1024 or more
     * @param maxHeaders     1 to 100000
     * @param maxUriBytes    256 or more
     * @param encodedSlashes not null
     * @throws IllegalArgumentException naming the {@code limits} key of a value outside its range
     * @throws NullPointerException     when {@code encodedSlashes} is null
     */
    public Limits {
        RecordChecks.between(Keys.LIMITS_MAX_BODY, maxBody, 0, Long.MAX_VALUE);
        RecordChecks.between(Keys.LIMITS_MAX_HEADER_BYTES, maxHeaderBytes, 1024, Integer.MAX_VALUE);
        RecordChecks.between(Keys.LIMITS_MAX_HEADERS, maxHeaders, 1, 100_000);
        RecordChecks.between(Keys.LIMITS_MAX_URI_BYTES, maxUriBytes, 256, Integer.MAX_VALUE);
        RecordChecks.present(Keys.LIMITS_ENCODED_SLASHES, encodedSlashes);
    }

    /** {@code limits.maxHeaders} when not given, as Apache's {@code LimitRequestFields}. */
    public static final int DEFAULT_MAX_HEADERS = 100;
    /** {@code limits.maxUriBytes} when not given, as nginx's 8k header buffer. */
    public static final int DEFAULT_MAX_URI_BYTES = 8 * 1024;

    /** The limits when {@code limits} is not given. */
    public static final Limits DEFAULTS = new Limits(Keys.LIMITS_MAX_BODY.defaultValue(),
            Keys.LIMITS_MAX_HEADER_BYTES.defaultValue(), DEFAULT_MAX_HEADERS, DEFAULT_MAX_URI_BYTES,
            Keys.LIMITS_ENCODED_SLASHES.defaultValue());

    /**
     * What routes make of {@code %2F} in a request path, which the proxy passes on as sent. Backslashes, encoded or
     * not, are refused either way.
     */
    public enum EncodedSlashes {
        /** 400 when a route looks at the path, as Apache's {@code AllowEncodedSlashes Off} and Tomcat refuse it. */
        REFUSE,
        /** Matched as {@code /}, as nginx matches it. */
        DECODE
    }
}
