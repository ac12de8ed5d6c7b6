package io.gatehouse.internal.proxy;

import io.gatehouse.internal.guard.RequestRejectedException;
import io.gatehouse.internal.http.DrainCut;
import io.gatehouse.internal.http.ErrorResponses;
import io.gatehouse.internal.observe.UpstreamCall;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

import java.io.IOException;
import java.net.URI;
import java.util.BitSet;

/**
 * One request's trip to a backend, or several on retries, in stages (listed here as OkHttp's interceptor chain
 * lists its own). Each stage says what a failure in it answers; each failure is answered once and logged as one
 * line (so is a retry; a line that repeats is summarised with a count, see {@link ProxyLog}).
 * <ol>
 *   <li><b>Pick</b> a backend ({@link Balancer}) among those {@link BackendHealth} has in rotation and this request
 *       has not failed on; when every one left is marked out, one of those (as nginx and Envoy's panic mode do:
 *       passive marks alone must never refuse everything). No failure: a marked-out backend is tried all the
 *       same.</li>
 *   <li><b>Lease</b> a connection from the backend's {@link BackendPool}: an idle one, a new one, or a place in the
 *       queue. Refused or connect timeout: a strike against the backend's health, then another backend when the
 *       {@link RetryPolicy} allows, else 502. Every pooled connection busy and the queue full, no slot within
 *       {@code connectTimeout}, or the proxy closing: 503 with {@code Retry-After}, not retried.</li>
 *   <li><b>Send</b> the request through the connection's {@link UpstreamCodec} (phase {@link Phase#SENDING}).
 *       The connection breaks before a response head: on a pooled connection the backend may have closed while
 *       idle, a replayable request is sent once more on a fresh connection (not counted, no strike); otherwise a
 *       strike, and a replayable request goes to another backend when the {@link RetryPolicy} allows, else 502.
 *       The guard refuses the body part-way: the status it chose (400 for broken chunked framing, 413 past
 *       {@code limits.maxBody}, and so on).
 *       The client's body breaks off (or, in a gateway mounted in another server, a chunked body passes that
 *       server's {@code MAX_ENTITY_SIZE}, which Undertow answers by closing the client connection): the client
 *       connection is closed. The backend stops reading the body: 502.</li>
 *   <li><b>Await</b> the response head ({@link Phase#AWAITING}), for {@code responseTimeout} from the moment the
 *       whole request was sent: none by then, 504, not retried. A break: as while sending. A head that is
 *       malformed, too large, ambiguously framed or a 101 the client did not ask for: 502, not retried.</li>
 *   <li><b>Relay</b> the response ({@link Phase#RELAYING}), or switch protocols ({@link Phase#SWITCHED}, a
 *       WebSocket upgrade becomes a byte relay, a {@link Tunnel} closed once nothing crossed it either way for
 *       {@code readTimeout}). Any failure now, including a body the backend cuts short, closes
 *       both connections: the status can no longer change, and a chunked response is never finished with a
 *       terminator the backend did not send. So does a backend that sends nothing more of the body for
 *       {@code readTimeout} while the codec waits for it (nginx's {@code proxy_read_timeout}); the time the codec
 *       waits for a slow client to take what was read does not count. The client connection closing is, over
 *       HTTP/2, a reset of the request's stream only. The client going away once the whole response was read,
 *       part of it still on the way to it, is the client's event alone: the backend connection is released as at
 *       a normal end. Both departures are logged and counted the same when Undertow ends the exchange inside the
 *       write that finds the client gone, before the codec can report it ({@link UpstreamCodec#stop}'s answer).</li>
 *   <li><b>Release</b> the connection when the exchange ends: back to the pool when the codec says it is
 *       {@link UpstreamCodec#reusable() reusable}, else closed (a switched one belongs to its relay).</li>
 * </ol>
 * The client going away before an answer settles the request too (logged, no strike, no retry).
 *
 * <p>The gateway closing the client connection itself, at a stop's or a reload's drain deadline ({@link DrainCut}),
 * looks to the relay like a client gone: each departure above is then logged as cut at that deadline instead
 * ("cut at the stop's drain deadline during the response"), and a call the cut broke (the backend not yet done)
 * counts as {@link io.gatehouse.internal.observe.UpstreamCall#DRAIN_DEADLINE}, not as the client's {@code IO_ERROR}.
 *
 * <p>Every method runs on the exchange's IO thread, which is also the pool's and the connection's.
 */
final class ProxiedExchange extends DeadlineQueue.Entry
        implements BackendPool.Lease, Balancer.Eligible, UpstreamCodec.Listener {

    /** The Retry-After of a 503 (busy pool, or the proxy closing): a busy pool frees up within moments. */
    private static final String RETRY_AFTER_SECONDS = "1";

    /**
     * Where a request stands; failures are answered by it, and each outcome happens once. Each phase is entered in
     * one method only (named with it), SETTLED excepted: {@link #fail}, {@link #abort}, {@link #clientWentAway},
     * {@link #clientWentAwayAfterTheBackend} and {@link #clientWentAwayDuringTheRelay} each settle from the phases
     * they name.
     */
    enum Phase {
        /** Waiting for a connection from the pool ({@link #acquire}). A failure: 502 or a retry, or 503. */
        LEASING,
        /** The codec sends the request ({@link #connected}); a response may come early. A failure: 502 or a retry. */
        SENDING,
        /** The whole request went out; the response deadline runs ({@link #requestSent}). A failure: 502, 504. */
        AWAITING,
        /**
         * The response's head went to the client, the body follows ({@link #relaying}): failures only close; the
         * read deadline runs while the codec waits for the backend.
         */
        RELAYING,
        /** A 101 went to the client; the connection belongs to the upgrade relay ({@link #switching}). */
        SWITCHED,
        /** An error status was given or the connections were closed; late events are ignored. */
        SETTLED;

        /** @return whether no answer was decided yet: a failure becomes an error status or a retry */
        boolean unanswered() {
            return this == LEASING || this == SENDING || this == AWAITING;
        }

        /** @return whether the backend's answer reached the client: a failure can only close the connections */
        boolean answering() {
            return this == RELAYING || this == SWITCHED;
        }
    }

    private final Forwarder forwarder;
    private final HttpServerExchange exchange;
    private Phase phase = Phase.LEASING;

    // The attempt: which backend, and what the retry policy has to know.
    /** The backend now tried, counted in its {@code inFlight}; null before the first pick and after leaving. */
    private Backend backend;
    private int backendIndex = -1;
    /** What logs and metrics learn of the trip to the backend now tried (the proxy's one hook into them). */
    private UpstreamCall call;
    private int retries;
    /** Backends this request failed on; allocated on the first retry only. */
    private BitSet tried;
    private long pickedAt;
    /** The pick now made accepts marked-out backends: none in rotation is left. */
    private boolean acceptMarkedOut;

    // The lease.
    /** The leased connection; null while none is, and once it went back to the pool or was closed. */
    private BackendConnection connection;
    /** The pool handed over an idle connection, which the backend may have closed meanwhile. */
    private boolean reusedConnection;
    /** The request was sent again on a fresh connection once already. */
    private boolean staleRetried;
    /** The request has a body to stream from the client: once streamed, it cannot be sent again. */
    private boolean bodyStreamed;

    /**
     * @param forwarder what the exchanges of the proxy share: backends, balancer, retry policy, deadlines, log
     * @param exchange  the client's request; {@link #start()} then runs on its IO thread
     */
    ProxiedExchange(Forwarder forwarder, HttpServerExchange exchange) {
        this.forwarder = forwarder;
        this.exchange = exchange;
    }

    /** Runs on the exchange's IO thread: picks the first backend and asks its pool for a connection. */
    void start() {
        exchange.addExchangeCompleteListener((done, next) -> {
            ended();
            next.proceed();
        });
        // Never -1: nothing is tried yet, and marked-out backends are chosen when no other is left.
        use(pick());
    }

    /** The exchange is complete, answered or not: the release stage. */
    private void ended() {
        cancelDeadline();
        if (phase.unanswered()) {
            clientWentAway();
        }
        if (connection != null) {
            if (phase == Phase.SWITCHED) {
                connection.codec.stop();
            } else {
                UpstreamCodec.Relay relay = releaseConnection();
                if (phase == Phase.RELAYING && relay != UpstreamCodec.Relay.NONE) {
                    clientWentAwayDuringTheRelay(relay);
                }
            }
        }
        leaveBackend();
        phase = Phase.SETTLED;
    }

    /**
     * Undertow ended the exchange before any answer: the client connection broke (a reset mid-upload, say).
     * Settled here, so that the backend connection closing next is not mistaken for the backend's failure (a
     * passive-health strike, a retry).
     */
    private void clientWentAway() {
        phase = Phase.SETTLED;
        DrainCut.Deadline cut = DrainCut.of(exchange);
        if (call != null) {
            clientSideClosed(cut);
        }
        forwarder.log.failure(exchange, backendUri(), 0, ProxyLog.closed(cut, ProxyLog.BEFORE_THE_RESPONSE));
    }

    /**
     * Counts the call as broken by its client connection's close: cut at {@code deadline} by the gateway, or, when
     * that is null, broken by the client ({@code IO_ERROR}).
     */
    private void clientSideClosed(DrainCut.Deadline deadline) {
        if (deadline != null) {
            call.cutAtDrainDeadline();
        } else {
            call.failed(0);
        }
    }

    /**
     * Undertow ended the exchange while the codec was still relaying the response: the client went away (its
     * connection broke, or it reset its HTTP/2 stream), and Undertow ended the exchange inside the write that found
     * it gone, before the codec could report the failure. Recorded as when the codec reports it: with the body still
     * coming, as {@link #abort} records it (the call failed, the line names the backend; the connection was closed
     * by {@link #releaseConnection}); with the whole body read, as {@link #clientWentAwayAfterTheBackend} does (the
     * backend's status stays the outcome, the line names no backend; the connection went back to the pool when
     * reusable).
     */
    private void clientWentAwayDuringTheRelay(UpstreamCodec.Relay relay) {
        phase = Phase.SETTLED;
        DrainCut.Deadline cut = DrainCut.of(exchange);
        URI blamed = null;
        if (relay == UpstreamCodec.Relay.CUT_SHORT) {
            clientSideClosed(cut);
            blamed = backendUri();
        }
        forwarder.log.failure(exchange, blamed, 0, ProxyLog.closed(cut, ProxyLog.DURING_THE_RESPONSE));
    }

    // --- Pick ---

    /**
     * A backend in rotation not tried yet for this request; when every one left is marked out, one of those (the
     * first request after an outage must reach the backend that came back). -1 only when all were tried.
     */
    private int pick() {
        pickedAt = System.nanoTime();
        acceptMarkedOut = false;
        Backend[] backends = forwarder.backends;
        int index = forwarder.balancer.pick(exchange, backends, this);
        if (index < 0) {
            acceptMarkedOut = true;
            index = forwarder.balancer.pick(exchange, backends, this);
            if (index >= 0) {
                forwarder.log.allMarkedOut(exchange, backends[index].uri);
            }
        }
        return index;
    }

    @Override
    public boolean test(int index) {
        return (tried == null || !tried.get(index))
                && (acceptMarkedOut || forwarder.backends[index].health.available(pickedAt));
    }

    private void use(int index) {
        backendIndex = index;
        backend = forwarder.backends[index];
        backend.inFlight.incrementAndGet();
        call = UpstreamCall.begin(exchange, backend.uri);
        acquire(false);
    }

    private void leaveBackend() {
        if (backend != null) {
            backend.inFlight.decrementAndGet();
            backend = null;
        }
    }

    /** Sends the request to another eligible backend if the retry policy allows one more; else 502. */
    private void retryElsewhere(String reason) {
        if (forwarder.retryPolicy.allows(retries)) {
            if (tried == null) {
                tried = new BitSet(forwarder.backends.length);
            }
            tried.set(backendIndex);
            int next = pick();
            if (next >= 0) {
                retries++;
                forwarder.log.retry(exchange, backend.uri, forwarder.backends[next].uri, reason);
                discardConnection();
                leaveBackend();
                use(next);
                return;
            }
        }
        fail(StatusCodes.BAD_GATEWAY, reason);
    }

    // --- Lease ---

    private void acquire(boolean fresh) {
        phase = Phase.LEASING;
        backend.pool.acquire(exchange.getIoThread(), this, fresh);
    }

    @Override
    public void connected(BackendConnection leased, boolean reused) {
        if (phase != Phase.LEASING) {
            // The client went away while this request waited for a connection; nothing was sent on it.
            forwarder.backends[backendIndex].pool.release(leased, true);
            return;
        }
        connection = leased;
        reusedConnection = reused;
        bodyStreamed = !exchange.isRequestComplete();
        phase = Phase.SENDING;
        call.connected();
        leased.codec.start(exchange, bodyStreamed, this);
    }

    @Override
    public void failed(BackendPool.Failure failure, String reason) {
        boolean unreachable = failure == BackendPool.Failure.REFUSED || failure == BackendPool.Failure.CONNECT_TIMEOUT;
        if (unreachable) {
            forwarder.backends[backendIndex].health.failed();
        }
        if (phase != Phase.LEASING) {
            return;
        }
        if (unreachable) {
            // Nothing was sent: any request may go elsewhere.
            retryElsewhere(reason);
        } else {
            fail(StatusCodes.SERVICE_UNAVAILABLE, reason);
        }
    }

    /**
     * Gives the leased connection back once its request is over: to the pool when the codec says it can carry another
     * (the pool may hand it to a waiting request at once), else closed. Returns where the codec's relay stood.
     */
    private UpstreamCodec.Relay releaseConnection() {
        BackendConnection released = connection;
        connection = null;
        UpstreamCodec codec = released.codec;
        UpstreamCodec.Relay relay = codec.stop();
        backend.pool.release(released, codec.reusable());
        return relay;
    }

    /** Closes the leased connection, whose state is unknown after a failure; the pool frees its slot on close. */
    private void discardConnection() {
        cancelDeadline();
        BackendConnection discarded = connection;
        // Cleared first: late events of the closed connection must see it is gone.
        connection = null;
        if (discarded != null) {
            discarded.codec.stop();
            discarded.close();
        }
    }

    // --- Send and await: what the codec reports ---

    @Override
    public void requestSent() {
        if (phase == Phase.SENDING) {
            phase = Phase.AWAITING;
            forwarder.awaitResponse(this, exchange.getIoThread());
        }
    }

    /** The response deadline passed while awaiting the head, or the read deadline while relaying the body. */
    @Override
    void expired() {
        if (phase == Phase.RELAYING) {
            call.timedOut();
            abort("response body stalled: nothing more within " + forwarder.readDeadlines.timeoutMillis + "ms");
        } else {
            fail(StatusCodes.GATEWAY_TIME_OUT,
                    "no response within " + forwarder.responseDeadlines.timeoutMillis + "ms");
        }
    }

    /** See the class comment for which requests are sent again and where. */
    @Override
    public void brokeBeforeResponse(String reason) {
        if (!phase.unanswered()) {
            return;
        }
        discardConnection();
        boolean replayable = RetryPolicy.replayable(exchange, bodyStreamed);
        if (replayable && reusedConnection && !staleRetried) {
            // The usual keep-alive race: the backend closed the idle connection as the request went out.
            staleRetried = true;
            if (ProxyLog.LOG.isLoggable(System.Logger.Level.DEBUG)) {
                ProxyLog.LOG.log(System.Logger.Level.DEBUG, "stale pooled connection to " + backend.uri
                        + ", sending again on a fresh one: " + reason);
            }
            acquire(true);
            return;
        }
        if (!reusedConnection) {
            backend.health.failed();
        }
        if (replayable) {
            retryElsewhere(reason);
        } else {
            fail(StatusCodes.BAD_GATEWAY, reason);
        }
    }

    @Override
    public void answered() {
        cancelDeadline();
        backend.health.answered();
    }

    @Override
    public void badResponse(String reason) {
        fail(StatusCodes.BAD_GATEWAY, reason);
    }

    @Override
    public void requestBodyFailed(IOException failure) {
        int status = RequestRejectedException.statusOf(failure);
        DrainCut.Deadline cut = status == 0 && phase != Phase.SETTLED ? DrainCut.of(exchange) : null;
        if (cut != null) {
            // The gateway closed the client connection at a drain deadline, which broke the body off. The first
            // failure counted is the call's outcome: the count of abort or fail is then ignored.
            call.cutAtDrainDeadline();
        }
        if (phase.answering()) {
            abort(cut != null ? ProxyLog.closed(cut, ProxyLog.DURING_THE_RESPONSE)
                    : "client request body failed: " + ProxyLog.describe(failure));
        } else if (cut != null) {
            fail(0, ProxyLog.closed(cut, ProxyLog.BEFORE_THE_RESPONSE));
        } else {
            // A body the guard refused (400, 413...) is answered; a client that went away is not.
            fail(status, status == 0 ? "client aborted the request body: " + ProxyLog.describe(failure)
                    : "request body refused: " + ProxyLog.describe(failure));
        }
    }

    @Override
    public void requestBodyNotTaken(StreamSourceChannel fromClient, IOException failure) {
        if (phase.answering()) {
            // The response goes on, and the rest of the client's body is not wanted: Undertow closes the client
            // connection after the response instead of waiting for a body nobody reads.
            IoUtils.safeClose(fromClient);
        } else {
            fail(StatusCodes.BAD_GATEWAY, "backend stopped reading the request body: " + ProxyLog.describe(failure));
        }
    }

    /**
     * Answers {@code status} (0: the client is gone, close instead) if no answer was decided yet; later failures
     * are left to {@link #abort}. The backend connection is closed either way: its state is unknown now.
     */
    private void fail(int status, String reason) {
        if (!phase.unanswered()) {
            return;
        }
        phase = Phase.SETTLED;
        if (call != null) {
            call.failed(status);
        }
        discardConnection();
        forwarder.log.failure(exchange, backendUri(), status, reason);
        if (status == 0) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        if (status == StatusCodes.SERVICE_UNAVAILABLE) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        // Closes the client connection when the body was not read: the rest of it is not wanted.
        ErrorResponses.send(exchange, status);
    }

    // --- Relay ---

    @Override
    public void relaying(int status) {
        call.responded(status);
        phase = Phase.RELAYING;
        if (exchange.isHttp11() && !exchange.getResponseHeaders().contains(Headers.CONTENT_LENGTH)) {
            // Chunked even when the client connection closes after this response: a body the backend cuts short
            // then lacks its last chunk, where a close-delimited body would look complete to the client.
            exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
        }
    }

    @Override
    public void awaitingBody() {
        if (phase == Phase.RELAYING) {
            forwarder.awaitBody(this, exchange.getIoThread());
        }
    }

    @Override
    public void awaitingClient() {
        if (phase == Phase.RELAYING) {
            cancelDeadline();
        }
    }

    /** The tunnel's silence is bounded by {@code readTimeout}, as a response body's is. */
    @Override
    public Tunnel switching() {
        call.responded(StatusCodes.SWITCHING_PROTOCOLS);
        phase = Phase.SWITCHED;
        return new Tunnel(connection, forwarder.readDeadlines, forwarder.log,
                ProxyLog.request(exchange), backend.uri);
    }

    /** The backend's response is all in the client's channel: end and flush it. */
    @Override
    public void responseRelayed(StreamSinkChannel toClient) {
        // Nothing more is read: however long the flush takes is the client's.
        cancelDeadline();
        ShutdownAndFlush.then(() -> { }, this::clientWentAwayAfterTheBackend).handleEvent(toClient);
    }

    /**
     * The client went away once the backend's whole response was read, part of it still on its way to the client
     * (its connection closed or broke under a write or the last flush): the backend's part was over, so this is the
     * client's event alone, as with nginx ("client prematurely closed connection"). The backend connection is
     * released as at a normal end (back to the pool when the codec found it reusable, else closed), nothing counts
     * against the backend (the call keeps the backend's status as its outcome), the line logged names no backend,
     * and the client side is closed as {@link #abort} closes it.
     */
    @Override
    public void clientWentAwayAfterTheBackend(IOException failure) {
        if (!phase.answering()) {
            // Undertow ended the exchange inside the failing flush: ended() released the connection already.
            return;
        }
        phase = Phase.SETTLED;
        forwarder.log.failure(exchange, null, 0, departure(failure));
        releaseConnection();
        closeClient();
    }

    /**
     * The client went away while more of the body was to come from the backend: the relay is broken, as when the
     * backend breaks it, but counted as the client's ({@code IO_ERROR}) or as the drain deadline's that closed the
     * client connection.
     */
    @Override
    public void clientWentAwayBeforeTheBackend(IOException failure) {
        if (phase.answering() && DrainCut.of(exchange) != null) {
            // The first failure counted is the call's outcome: abort's own count is then ignored.
            call.cutAtDrainDeadline();
        }
        abort(departure(failure));
    }

    /** The reason logged for a client connection found closed by {@code failure} during the response. */
    private String departure(IOException failure) {
        DrainCut.Deadline cut = DrainCut.of(exchange);
        return cut != null ? ProxyLog.closed(cut, ProxyLog.DURING_THE_RESPONSE) : ProxyLog.clientWentAway(failure);
    }

    @Override
    public void responseBroke(String reason) {
        abort(reason);
    }

    /**
     * The relay of a response broke: its status is already out, so both connections are closed; over HTTP/2 the
     * client's "connection" is the request's stream, which is reset, and the connection's other streams go on.
     */
    private void abort(String reason) {
        if (!phase.answering()) {
            return;
        }
        phase = Phase.SETTLED;
        call.failed(0);
        forwarder.log.failure(exchange, backendUri(), 0, reason);
        discardConnection();
        closeClient();
    }

    /**
     * Closes the client's connection, over HTTP/2 the request's stream only (reset), which ends the exchange:
     * {@link #ended} runs inside this call.
     */
    private void closeClient() {
        IoUtils.safeClose(exchange.getConnection());
        if (Protocols.HTTP_2_0.equals(exchange.getProtocol())) {
            // Undertow completes an HTTP/2 exchange when its last frame goes out, which a reset stream never sends:
            // ended here, or the request would hold its backend count and its generation until the connection closes.
            Connectors.terminateRequest(exchange);
            Connectors.terminateResponse(exchange);
        }
    }

    private URI backendUri() {
        return backend == null ? null : backend.uri;
    }
}
