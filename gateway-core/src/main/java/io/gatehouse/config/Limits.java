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
 * @param http2          the abuse limits of HTTP/2 connections
 */
public record Limits(long maxBody, int maxHeaderBytes, int maxHeaders, int maxUriBytes, EncodedSlashes encodedSlashes,
                     Http2 http2) {

    /**
     * Checks each value is in its range.
     *
     * @param maxBody        0 or more
     * @param maxHeaderBytes 1024 or more
     * @param maxHeaders     1 to 100000
     * @param maxUriBytes    256 or more
     * @param encodedSlashes not null
     * @param http2          not null
     * @throws IllegalArgumentException naming the {@code limits} key of a value outside its range
     * @throws NullPointerException     when {@code encodedSlashes} or {@code http2} is null
     */
    public Limits {
        RecordChecks.between(Keys.LIMITS_MAX_BODY, maxBody, 0, Long.MAX_VALUE);
        RecordChecks.between(Keys.LIMITS_MAX_HEADER_BYTES, maxHeaderBytes, 1024, Integer.MAX_VALUE);
        RecordChecks.between(Keys.LIMITS_MAX_HEADERS, maxHeaders, 1, 100_000);
        RecordChecks.between(Keys.LIMITS_MAX_URI_BYTES, maxUriBytes, 256, Integer.MAX_VALUE);
        RecordChecks.present(Keys.LIMITS_ENCODED_SLASHES, encodedSlashes);
        RecordChecks.present(Keys.LIMITS_HTTP2, http2);
    }

    /**
     * The limits before {@code http2} was one: {@code http2} is {@link Http2#DEFAULTS}.
     *
     * @param maxBody        0 or more
     * @param maxHeaderBytes 1024 or more
     * @param maxHeaders     1 to 100000
     * @param maxUriBytes    256 or more
     * @param encodedSlashes not null
     * @throws IllegalArgumentException naming the {@code limits} key of a value outside its range
     * @throws NullPointerException     when {@code encodedSlashes} is null
     */
    public Limits(long maxBody, int maxHeaderBytes, int maxHeaders, int maxUriBytes, EncodedSlashes encodedSlashes) {
        this(maxBody, maxHeaderBytes, maxHeaders, maxUriBytes, encodedSlashes, Http2.DEFAULTS);
    }

    /** {@code limits.maxHeaders} when not given, as Apache's {@code LimitRequestFields}. */
    public static final int DEFAULT_MAX_HEADERS = 100;
    /** {@code limits.maxUriBytes} when not given, as nginx's 8k header buffer. */
    public static final int DEFAULT_MAX_URI_BYTES = 8 * 1024;

    /** The limits when {@code limits} is not given. */
    public static final Limits DEFAULTS = new Limits(Keys.LIMITS_MAX_BODY.defaultValue(),
            Keys.LIMITS_MAX_HEADER_BYTES.defaultValue(), DEFAULT_MAX_HEADERS, DEFAULT_MAX_URI_BYTES,
            Keys.LIMITS_ENCODED_SLASHES.defaultValue(), Http2.DEFAULTS);

    /**
     * {@code limits.http2}: what one HTTP/2 connection may ask of the gateway, beyond the request limits above, which
     * hold for HTTP/2 requests too.
     *
     * @param maxConcurrentStreams the most requests in flight on one connection, advertised as
     *                             {@code SETTINGS_MAX_CONCURRENT_STREAMS}; a stream past it is refused with
     *                             {@code REFUSED_STREAM}
     */
    public record Http2(int maxConcurrentStreams) {

        /**
         * Checks the value is in its range.
         *
         * @param maxConcurrentStreams 1 to 10000
         * @throws IllegalArgumentException naming the key of a value outside its range
         */
        public Http2 {
            RecordChecks.between(Keys.HTTP2_MAX_CONCURRENT_STREAMS, maxConcurrentStreams, 1, 10_000);
        }

        /** {@code limits.http2.maxConcurrentStreams} when not given: nginx allows 128, Caddy 250. */
        public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;

        /** The HTTP/2 limits when {@code limits.http2} is not given. */
        public static final Http2 DEFAULTS = new Http2(DEFAULT_MAX_CONCURRENT_STREAMS);
    }

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
