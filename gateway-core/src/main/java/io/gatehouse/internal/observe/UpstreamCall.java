package io.gatehouse.internal.observe;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

import java.net.URI;

/**
 * One request's trip to a backend, as the proxy reports it: the proxy's only hook into logs and metrics. The proxy
 * calls {@link #begin} when it asks for a backend connection, then {@link #connected}, {@link #responded} and
 * {@link #failed} as those happen; the access log ({@code backend}, {@code upstream_status},
 * {@code upstream_time_ms}) and the {@code gatehouse.upstream.*} meters read it when the exchange completes.
 *
 * <p>Not thread-safe by itself: the proxy calls it from the exchange's IO thread, and the readers run after the
 * exchange completed (Undertow orders the two).
 */
public final class UpstreamCall {

    /** Outcome of a call that got no connection because the backend refused it or did not accept in time. */
    public static final String CONNECT_ERROR = "CONNECT_ERROR";
    /** Outcome of a call that got no connection because every one was busy and the queue full or too slow. */
    public static final String BUSY = "BUSY";
    /**
     * Outcome of a call whose backend did not answer within the response timeout, or went silent in the middle of
     * its response body for the read timeout.
     */
    public static final String TIMEOUT = "TIMEOUT";
    /** Outcome of a call whose connection broke: before the response head, or while relaying the response. */
    public static final String IO_ERROR = "IO_ERROR";
    /**
     * Outcome of a call cut by the gateway itself: a stop's or a reload's drain deadline passed while the call was
     * still under way (waiting for the backend, or relaying a body still coming), and the gateway closed its client
     * connection.
     */
    public static final String DRAIN_DEADLINE = "DRAIN_DEADLINE";

    private static final AttachmentKey<UpstreamCall> KEY = AttachmentKey.create(UpstreamCall.class);

    private final URI backend;
    private final long startNanos;
    private long connectedNanos;
    private long endNanos;
    private int status;
    private String failure;

    private UpstreamCall(URI backend) {
        this.backend = backend;
        this.startNanos = System.nanoTime();
    }

    /**
     * Starts the clock of a call to {@code backend} for {@code exchange}; a retry replaces the earlier call, so logs
     * and metrics report the last backend tried.
     *
     * @param exchange the request being proxied
     * @param backend  the backend chosen for it
     * @return the call, attached to {@code exchange}
     */
    public static UpstreamCall begin(HttpServerExchange exchange, URI backend) {
        UpstreamCall call = new UpstreamCall(backend);
        exchange.putAttachment(KEY, call);
        return call;
    }

    /**
     * The call made for {@code exchange}.
     *
     * @param exchange a request
     * @return its last call, or {@code null} when the request was not proxied
     */
    public static UpstreamCall of(HttpServerExchange exchange) {
        return exchange.getAttachment(KEY);
    }

    /** A connection to the backend was had (new, or reused from the pool). */
    public void connected() {
        connectedNanos = System.nanoTime();
    }

    /**
     * The backend's response head arrived.
     *
     * @param status its status code
     */
    public void responded(int status) {
        this.status = status;
    }

    /**
     * The call failed; {@code answered} is the status Gatehouse answered the client with (502, 503, 504), or 0 when
     * the client connection was closed instead. Only the first failure counts. Without a connection the outcome is
     * {@link #BUSY} for 503 and {@link #CONNECT_ERROR} otherwise; with one, {@link #TIMEOUT} for a 504 before any
     * response head and {@link #IO_ERROR} otherwise.
     *
     * @param answered the status the client got, or 0
     */
    public void failed(int answered) {
        if (connectedNanos == 0) {
            failedAs(answered == 503 ? BUSY : CONNECT_ERROR);
        } else {
            failedAs(answered == 504 && status == 0 ? TIMEOUT : IO_ERROR);
        }
    }

    /**
     * The backend sent nothing more of its response body for the read timeout, and the response was cut off: a
     * {@link #TIMEOUT}, as a response head that never came is. Only the first failure counts.
     */
    public void timedOut() {
        failedAs(TIMEOUT);
    }

    /**
     * The gateway closed the client connection at a drain deadline while the call was under way: a
     * {@link #DRAIN_DEADLINE}, neither the backend's failure nor the client's. Only the first failure counts.
     */
    public void cutAtDrainDeadline() {
        failedAs(DRAIN_DEADLINE);
    }

    /** Ends the call with {@code outcome}, unless it failed already. */
    private void failedAs(String outcome) {
        if (failure == null) {
            endNanos = System.nanoTime();
            failure = outcome;
        }
    }

    /**
     * The backend this call went to.
     *
     * @return its URI as configured, the {@code backend} tag and the access log's {@code backend} field
     */
    public URI backend() {
        return backend;
    }

    /**
     * The backend's status.
     *
     * @return the status of the response head, or 0 when none arrived
     */
    public int status() {
        return status;
    }

    /** Whether a connection was had at all. */
    boolean gotConnection() {
        return connectedNanos != 0;
    }

    /**
     * Nanoseconds from asking for a connection until having one (near zero for a pooled keep-alive connection,
     * including the wait when the pool was busy), or until giving up when none was had.
     */
    long connectNanos() {
        return (connectedNanos != 0 ? connectedNanos : end()) - startNanos;
    }

    /** Nanoseconds from asking for a connection until the call ended: failed, or the exchange completed. */
    long durationNanos() {
        return end() - startNanos;
    }

    /**
     * How the call went: Micrometer's outcome of the backend's status ({@code SUCCESS}, {@code CLIENT_ERROR} …), or
     * one of {@link #CONNECT_ERROR}, {@link #BUSY}, {@link #TIMEOUT}, {@link #IO_ERROR}, {@link #DRAIN_DEADLINE}.
     */
    String outcome() {
        return failure != null ? failure : StatusClass.of(status).outcome();
    }

    /** Fixes the end of a call that did not fail at the first reading after the exchange completed. */
    private long end() {
        if (endNanos == 0) {
            endNanos = System.nanoTime();
        }
        return endNanos;
    }
}
