package io.gatehouse.internal.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Why a request is refused: the status the client gets and a short reason for the log, fixed per rule (the refusal
 * log counts repeats by it, so nothing the client sent goes into it). A rejected request head never reaches
 * Undertow's parser; in its place the {@link FramingConduit} hands Undertow {@link #asRequest()}, a well-formed
 * request that carries the verdict in {@link #HEADER}, and then the end of the stream. The {@link GuardHandler}
 * answers it, so the error response is written in order behind any pipelined responses still owed on the
 * connection, through Undertow's normal response path.
 */
record Rejection(int status, String reason) {

    /**
     * The header that marks a stand-in request. A client head that carries it is itself rejected, so only the
     * conduit can produce one.
     */
    static final String HEADER = "Gatehouse-Rejected";

    Rejection {
        // The reason travels in a header value: keep it to plain visible ASCII.
        reason = reason.replaceAll("[^\\x20-\\x7e]", "?");
    }

    static Rejection of(int status, String reason) {
        return new Rejection(status, reason);
    }

    /** The stand-in request: no body, {@code Connection: close}. */
    ByteBuffer asRequest() {
        String request = "GET / HTTP/1.1\r\nHost: rejected.invalid\r\nConnection: close\r\n"
                + HEADER + ": " + status + " " + reason + "\r\n\r\n";
        return ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    }

    /** The verdict carried by a stand-in request's header value, or null when it is not one. */
    static Rejection parse(String headerValue) {
        if (headerValue == null || headerValue.length() < 3) {
            return null;
        }
        try {
            return new Rejection(Integer.parseInt(headerValue.substring(0, 3)), headerValue.substring(3).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
