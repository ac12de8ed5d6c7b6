package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;

/**
 * Request size limits: the body (413 beyond it), the header section in bytes and in fields (431 beyond either),
 * and the request target (414 beyond it). Defaults follow nginx ({@code large_client_header_buffers 4 8k}) and
 * Apache ({@code LimitRequestFields 100}). Also how an encoded slash in a path is read ({@link EncodedSlashes}).
 */
public record Limits(long maxBody, int maxHeaderBytes, int maxHeaders, int maxUriBytes, EncodedSlashes encodedSlashes) {

    /**
     * @throws IllegalArgumentException naming the {@code limits} key of a value outside its range: {@code maxBody} 0
     *                                  or more, {@code maxHeaderBytes} 1024 or more, {@code maxHeaders} 1 to 100000,
     *                                  {@code maxUriBytes} 256 or more
     */
    public Limits {
        RecordChecks.between(Keys.LIMITS_MAX_BODY, maxBody, 0, Long.MAX_VALUE);
        RecordChecks.between(Keys.LIMITS_MAX_HEADER_BYTES, maxHeaderBytes, 1024, Integer.MAX_VALUE);
        RecordChecks.between(Keys.LIMITS_MAX_HEADERS, maxHeaders, 1, 100_000);
        RecordChecks.between(Keys.LIMITS_MAX_URI_BYTES, maxUriBytes, 256, Integer.MAX_VALUE);
        RecordChecks.present(Keys.LIMITS_ENCODED_SLASHES, encodedSlashes);
    }

    public static final int DEFAULT_MAX_HEADERS = 100;
    public static final int DEFAULT_MAX_URI_BYTES = 8 * 1024;

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
