package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.protocols.http2.Http2StreamSourceChannel;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guard of one HTTP/2 connection, attached to its channel under {@link #KEY}. Its {@link CheckedHttp2Channel}
 * has it judge each new request stream before Undertow makes an exchange of it ({@link #judge}): a malformed header
 * list ({@link Http2HeadCheck#malformed}) resets the stream with {@code PROTOCOL_ERROR}; a stream past the cap of
 * requests in flight is reset with {@code REFUSED_STREAM} (the client may retry it; closing the connection would
 * kill the others); a well-formed one gets its verdict ({@link Http2HeadCheck#refused}), which the
 * {@link GuardHandler} asks for right after, as it does over HTTP/1.1.
 *
 * <p>In flight: from the exchange's start to its end, whatever the client did to the stream meanwhile (a stream the
 * client reset still holds its backend request until that ends), so resetting streams never buys more concurrent
 * work than the cap (CVE-2023-44487, "rapid reset"). Streams are judged on the connection's IO thread, which also
 * runs the {@link GuardHandler} for them; exchanges end on any thread.
 */
final class Http2Guard implements ConnectionGuard {

    /** Where an HTTP/2 connection's channel keeps its guard. */
    static final AttachmentKey<Http2Guard> KEY = AttachmentKey.create(Http2Guard.class);

    private static final Logger LOG = System.getLogger(Http2Guard.class.getPackageName());
    private static final Rejection NO_BODY = Rejection.of(400, "HTTP/2 content-length without a body");

    private final Limits limits;
    private final Duration idle;
    private final int maxStreams;
    private final RepeatedEvents refusals;
    private final SocketAddress peer;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Responses of streams the client reset that Undertow keeps queued until the connection closes. */
    private int resetResponsesKept;
    /** The header list of the stream last judged well-formed, and the verdict on it, until the handler asks. */
    private HeaderMap judged;
    private Rejection verdict;

    /** {@code idle}: how long a request body may stall ({@code timeouts.idle}). */
    Http2Guard(Limits limits, Duration idle, RepeatedEvents refusals, SocketAddress peer) {
        this.limits = limits;
        this.idle = idle;
        this.maxStreams = limits.http2().maxConcurrentStreams();
        this.refusals = refusals;
        this.peer = peer;
    }

    /**
     * Judges a new request stream: the error code to reset it with, or 0 to let Undertow serve it.
     */
    int judge(Http2StreamSourceChannel stream) {
        HeaderMap headers = stream.getHeaders();
        String malformed = Http2HeadCheck.malformed(headers);
        if (malformed != null) {
            refused("HTTP/2 stream reset: " + malformed);
            return Http2Channel.ERROR_PROTOCOL_ERROR;
        }
        if (inFlight.get() >= maxStreams) {
            refused("HTTP/2 stream refused: " + maxStreams + " requests in flight on the connection");
            return Http2Channel.ERROR_REFUSED_STREAM;
        }
        Http2HeadCheck.forHttp11(headers);
        judged = headers;
        verdict = Http2HeadCheck.refused(headers, limits);
        return 0;
    }

    /**
     * Counts the response of a stream the client reset that Undertow keeps queued until the connection closes (part
     * of it was waiting for a flow-control window). True once, when the connection keeps more of them than its cap
     * of streams in flight, the most it kept while such a stream stayed in flight until the connection closed: the
     * connection must end, and that is logged as a refusal. Called by the channel's reader (under its lock).
     */
    boolean tooManyResetResponsesKept() {
        if (++resetResponsesKept != maxStreams + 1) {
            return false;
        }
        refused("HTTP/2 connection closed: more than " + maxStreams
                + " streams reset while their responses waited for a flow-control window");
        return true;
    }

    /** A connection-level refusal, for the log. */
    void refused(String reason) {
        if (LOG.isLoggable(Level.INFO)) {
            refusals.event(reason, peer + ":");
        }
    }

    /**
     * The verdict on the stream just judged, or 400 when it declared a {@code content-length} and ended with its
     * header block (the exchange's request is complete before the handler runs only then): a backend would wait
     * for a body that never comes.
     */
    @Override
    public Rejection verdict(HttpServerExchange exchange) {
        if (exchange.getRequestHeaders() != judged) {
            return null;
        }
        judged = null;
        if (verdict == null && exchange.isRequestComplete() && exchange.getRequestContentLength() > 0) {
            return NO_BODY;
        }
        return verdict;
    }

    /** Counts the exchange in flight until it ends, and holds its body to {@link Http2Body}'s rules. */
    @Override
    public void admit(HttpServerExchange exchange) {
        exchange.addRequestWrapper((factory, ignored) ->
                new Http2Body(factory.create(), exchange, limits.maxBody(), idle, this));
        inFlight.incrementAndGet();
        exchange.addExchangeCompleteListener((done, next) -> {
            inFlight.decrementAndGet();
            next.proceed();
        });
    }
}
