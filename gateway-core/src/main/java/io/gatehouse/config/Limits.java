package io.gatehouse.config;

/** Request size limits: the body (413 beyond it) and the header section (431 beyond it). */
public record Limits(long maxBody, int maxHeaderBytes) {

    public static final Limits DEFAULTS = new Limits(1L << 30, 16 * 1024);
}
