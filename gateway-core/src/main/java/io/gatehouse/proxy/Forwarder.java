package io.gatehouse.proxy;

import io.gatehouse.guard.RequestRejectedException;
import io.gatehouse.http.ProxyTarget;
import io.gatehouse.observe.UpstreamCall;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import io.undertow.util.Transfer;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

import io.gatehouse.http.ErrorResponses;

import java.io.IOException;
import java.net.URI;
import java.util.BitSet;
import java.nio.channels.Channel;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends the request, as the handlers before it left it, to a backend and relays the answer; the last handler of
 * the proxy chain.
 *
 * <p>Contract: the {@link Balancer} picks a backend among those whose {@link BackendHealth} says they are up. The
 * request line keeps the client's raw path and query (an absolute-form target becomes origin-form); all request
 * headers are copied (hop-by-hop ones were removed upstream); Host is the client's when {@code preserveHost}, else
 * the backend's authority. Bodies stream in both directions through Undertow's {@link Transfer} with
 * back-pressure, never buffered whole. A WebSocket upgrade answered 101 becomes a byte relay.
 *
 * <p>Failures, each answered once and logged as one line (a retry is logged as one line too):
 * <ul>
 *   <li>every backend out of rotation: 503 with {@code Retry-After} at once</li>
 *   <li>connect refused or timed out: counts against the backend's health; tried on another backend when the
 *       {@link RetryPolicy} allows, else 502</li>
 *   <li>the backend closes/resets before its response head: on a pooled connection that the backend may have
 *       closed while idle, a replayable request is sent again on a fresh connection (once, not counted); otherwise
 *       it counts against the backend's health and a replayable request is tried on another backend; else 502</li>
 *   <li>a response head with a malformed status line or ambiguous framing ({@link ResponseFraming}): 502, the
 *       backend connection closed</li>
 *   <li>no response head within {@code responseTimeout} of the request being sent: 504</li>
 *   <li>every pooled connection busy and the queue full, or no slot within {@code connectTimeout}: 503 with
 *       {@code Retry-After}</li>
 *   <li>the client's request body breaks off (or a chunked body passes {@code limits.maxBody}, which Undertow
 *       answers by closing the client connection): the client connection is closed</li>
 *   <li>anything after the response head was sent, including a response body cut short by the backend: the client
 *       connection is closed, so the client sees the truncation (a status can no longer change, and a chunked
 *       response is never finished with a terminator the backend did not send)</li>
 * </ul>
 * A backend connection is reused only when both the request and the response were relayed completely.
 */
final class Forwarder implements HttpHandler {

    static final String RETRY_AFTER_SECONDS = "1";

    private final Backend[] backends;
    private final Balancer balancer;
    private final RetryPolicy retryPolicy;
    private final boolean preserveHost;
    private final long responseTimeoutMillis;
    private final Map<XnioIoThread, DeadlineQueue> responseDeadlines = new ConcurrentHashMap<>();
    /** Built once: a lambda written in {@link ProxiedExchange#awaitResponse} would be a new object per request. */
    private final Function<XnioIoThread, DeadlineQueue> newDeadlineQueue;

    Forwarder(Backend[] backends, Balancer balancer, RetryPolicy retryPolicy, boolean preserveHost, long responseTimeoutMillis) {
        this.backends = backends;
        this.balancer = balancer;
        this.retryPolicy = retryPolicy;
        this.preserveHost = preserveHost;
        this.responseTimeoutMillis = responseTimeoutMillis;
        this.newDeadlineQueue = thread -> new DeadlineQueue(thread, responseTimeoutMillis);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        // The pools and the client connections live on the exchange's IO thread; run there, after this call returns.
        ProxiedExchange proxied = new ProxiedExchange(exchange);
        exchange.dispatch(exchange.isInIoThread() ? SameThreadExecutor.INSTANCE : exchange.getIoThread(), proxied::start);
    }

    /**
     * The origin-form target: the one a route chose ({@link ProxyTarget}), else the raw path and query as received,
     * without an absolute-form scheme and authority.
     */
    static String originForm(HttpServerExchange exchange) {
        String chosen = ProxyTarget.of(exchange);
        if (chosen != null) {
            return chosen;
        }
        String target = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int authority = target.indexOf("//");
            int path = authority < 0 ? -1 : target.indexOf('/', authority + 2);
            target = path < 0 ? "/" : target.substring(path);
        }
        String query = exchange.getQueryString();
        return query == null || query.isEmpty() ? target : target + '?' + query;
    }

    /** Where a request stands; errors are handled according to it, and each outcome happens once. */
    private enum State {
        /** No answer yet: a failure becomes an error status or a retry. */
        WAITING,
        /** The backend's response is being relayed: a failure can only close the connections. */
        RELAYING,
        /** Settled: an error status was given, or the connections were closed. Late events are ignored. */
        SETTLED
    }

    /** One request's trip to a backend, or several on retries. Every method runs on the exchange's IO thread. */
    private final class ProxiedExchange extends DeadlineQueue.Entry implements BackendPool.Lease, Balancer.Eligible {
        private final HttpServerExchange exchange;
        /** The backend now tried, counted in its {@code inFlight}; null before the first pick and after leaving. */
        private Backend backend;
        private int backendIndex = -1;
        /** What logs and metrics learn of the trip to the backend now tried (the proxy's one hook into them). */
        private UpstreamCall call;
        private ClientConnection connection;
        private boolean reusedConnection;
        private State state = State.WAITING;
        private boolean bodyStreamed;
        private boolean requestRelayed;
        private boolean responseRelayed;
        /** The connection now carries a WebSocket relay, which owns it and closes it. */
        private boolean switched;
        private int retries;
        private boolean staleRetried;
        /** Backends this request failed on; allocated on the first retry only. */
        private BitSet tried;
        private long pickedAt;

        ProxiedExchange(HttpServerExchange exchange) {
            this.exchange = exchange;
        }

        void start() {
            exchange.addExchangeCompleteListener((done, next) -> {
                cancelDeadline();
                if (state == State.WAITING) {
                    // Undertow ended the exchange before any answer: the client connection broke (a reset
                    // mid-upload, say). Settled here, so that the backend connection closing below is not
                    // mistaken for the backend's failure (a passive-health strike, a retry).
                    state = State.SETTLED;
                    if (call != null) {
                        call.failed(0);
                    }
                    ProxyLog.failure(exchange, backendUri(), 0, "client went away before the response");
                }
                if (connection != null && !switched) {
                    backend.pool.release(connection, requestRelayed && responseRelayed);
                }
                leaveBackend();
                next.proceed();
            });
            int index = pick();
            if (index < 0) {
                fail(StatusCodes.SERVICE_UNAVAILABLE, "no backend available: all are out of rotation");
                return;
            }
            use(index);
        }

        private int pick() {
            pickedAt = System.nanoTime();
            return balancer.pick(exchange, backends, this);
        }

        @Override
        public boolean test(int index) {
            return (tried == null || !tried.get(index)) && backends[index].health.available(pickedAt);
        }

        private void use(int index) {
            backendIndex = index;
            backend = backends[index];
            backend.inFlight.incrementAndGet();
            call = UpstreamCall.begin(exchange, backend.uri);
            acquire(false);
        }

        private void acquire(boolean fresh) {
            backend.pool.acquire(exchange.getIoThread(), exchange.getConnection().getByteBufferPool(), this, fresh);
        }

        private void leaveBackend() {
            if (backend != null) {
                backend.inFlight.decrementAndGet();
                backend = null;
            }
        }

        @Override
        public void connected(ClientConnection leased, boolean reused) {
            if (state != State.WAITING) {
                // The client went away while this request waited for a connection; nothing was sent on it.
                backends[backendIndex].pool.release(leased, true);
                return;
            }
            connection = leased;
            reusedConnection = reused;
            bodyStreamed = !exchange.isRequestComplete();
            call.connected();
            leased.sendRequest(request(), new ClientCallback<>() {
                @Override
                public void completed(ClientExchange backendExchange) {
                    if (connection == leased) {
                        requestSent(backendExchange, leased);
                    }
                }

                @Override
                public void failed(IOException e) {
                    if (connection == leased) {
                        brokeBeforeResponse("sending the request failed: " + describe(e));
                    }
                }
            });
        }

        @Override
        public void failed(BackendPool.Failure failure, String reason) {
            boolean unreachable = failure == BackendPool.Failure.REFUSED || failure == BackendPool.Failure.CONNECT_TIMEOUT;
            if (unreachable) {
                backends[backendIndex].health.failed();
            }
            if (state != State.WAITING) {
                return;
            }
            if (unreachable) {
                // Nothing was sent: any request may go elsewhere.
                retryElsewhere(reason);
            } else {
                fail(StatusCodes.SERVICE_UNAVAILABLE, reason);
            }
        }

        private ClientRequest request() {
            ClientRequest request = new ClientRequest().setMethod(exchange.getRequestMethod()).setPath(originForm(exchange));
            HeaderMap headers = request.getRequestHeaders();
            for (HeaderValues values : exchange.getRequestHeaders()) {
                headers.putAll(values.getHeaderName(), values);
            }
            if (!preserveHost || !headers.contains(Headers.HOST)) {
                headers.put(Headers.HOST, backend.uri.getRawAuthority());
            }
            // The client's framing was consumed by Undertow; re-frame a body of unknown length as chunked.
            if (!exchange.isRequestComplete() && !headers.contains(Headers.CONTENT_LENGTH)) {
                headers.put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
            }
            return request;
        }

        /** Callbacks check that {@code leased} is still the connection in use: a retry discards the earlier one. */
        private void requestSent(ClientExchange backendExchange, ClientConnection leased) {
            if (state != State.WAITING) {
                return;
            }
            backendExchange.setResponseListener(new ClientCallback<>() {
                @Override
                public void completed(ClientExchange result) {
                    if (connection == leased) {
                        responseArrived(result);
                    }
                }

                @Override
                public void failed(IOException e) {
                    if (connection != leased) {
                        return;
                    }
                    if (e.getCause() instanceof RuntimeException unparsable) {
                        // Undertow's client wraps what its response parser refused (status line, Content-Length).
                        fail(StatusCodes.BAD_GATEWAY, "invalid response: " + describe(unparsable));
                    } else {
                        brokeBeforeResponse("backend closed the connection before responding: " + describe(e));
                    }
                }
            });
            StreamSinkChannel toBackend = backendExchange.getRequestChannel();
            // The response timeout runs from the end of the request, as nginx's proxy_read_timeout: a long upload
            // is bounded by timeouts.idle while it streams, never cut off by the wait for a response.
            ChannelListener<StreamSinkChannel> finished = finishing(() -> {
                        requestRelayed = true;
                        if (state == State.WAITING && connection == leased) {
                            awaitResponse();
                        }
                    },
                    e -> {
                        if (connection == leased) {
                            brokeBeforeResponse("sending the request failed: " + describe(e));
                        }
                    });
            if (exchange.isRequestComplete()) {
                finished.handleEvent(toBackend);
                return;
            }
            Transfer.initiateTransfer(exchange.getRequestChannel(), toBackend,
                    ChannelListeners.closingChannelListener(), finished,
                    (channel, e) -> {
                        if (state == State.RELAYING) {
                            abort("client request body failed: " + describe(e));
                        } else {
                            // A body the guard refused (400, 413) is answered; a client that went away is not.
                            int status = RequestRejectedException.statusOf(e);
                            fail(status, status == 0 ? "client aborted the request body: " + describe(e)
                                    : "request body refused: " + describe(e));
                        }
                    },
                    // After the response started, the response relay alone decides what happens to the connections.
                    (channel, e) -> fail(StatusCodes.BAD_GATEWAY, "backend stopped reading the request body: " + describe(e)),
                    exchange.getConnection().getByteBufferPool());
        }

        private void awaitResponse() {
            responseDeadlines.computeIfAbsent(exchange.getIoThread(), newDeadlineQueue).add(this);
        }

        @Override
        void expired() {
            fail(StatusCodes.GATEWAY_TIME_OUT, "no response within " + responseTimeoutMillis + "ms");
        }

        private void responseArrived(ClientExchange backendExchange) {
            if (state != State.WAITING) {
                return;
            }
            cancelDeadline();
            backend.health.answered();
            ClientResponse response = backendExchange.getResponse();
            String problem = ResponseFraming.problem(response);
            if (problem != null) {
                fail(StatusCodes.BAD_GATEWAY, "invalid response: " + problem);
                return;
            }
            call.responded(response.getResponseCode());
            state = State.RELAYING;
            boolean webSocket = response.getResponseCode() == StatusCodes.SWITCHING_PROTOCOLS && HopByHop.isWebSocketUpgrade(exchange);
            exchange.setStatusCode(response.getResponseCode());
            if (!response.getStatus().equals(StatusCodes.getReason(response.getResponseCode()))) {
                // An attachment on the exchange; the usual phrase is Undertow's default and needs none.
                exchange.setReasonPhrase(response.getStatus());
            }
            HopByHop.copyEndToEnd(response.getResponseHeaders(), exchange.getResponseHeaders(), webSocket);
            if (!webSocket && exchange.isHttp11() && !exchange.getResponseHeaders().contains(Headers.CONTENT_LENGTH)) {
                // Chunked even when the client connection closes after this response: a body the backend cuts short
                // then lacks its last chunk, where a close-delimited body would look complete to the client.
                exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
            }
            if (webSocket) {
                switched = true;
                exchange.upgradeChannel((client, upgraded) -> relayUpgraded(client, backendExchange.getConnection()));
            }
            Transfer.initiateTransfer(backendExchange.getResponseChannel(), exchange.getResponseChannel(),
                    ChannelListeners.closingChannelListener(),
                    finishing(() -> responseRelayed = true, e -> abort("flushing the response failed: " + describe(e))),
                    (channel, e) -> abort("backend broke off the response: " + describe(e)),
                    (channel, e) -> abort("client went away during the response: " + describe(e)),
                    exchange.getConnection().getByteBufferPool());
        }

        private void relayUpgraded(StreamConnection client, ClientConnection backendConnection) {
            StreamConnection backendSide;
            try {
                backendSide = backendConnection.performUpgrade();
            } catch (IOException e) {
                ProxyLog.failure(exchange, backendUri(), 0, "WebSocket upgrade failed: " + describe(e));
                IoUtils.safeClose(client, backendConnection);
                return;
            }
            ChannelExceptionHandler<Channel> closeBoth = (channel, e) -> IoUtils.safeClose(client, backendSide);
            relay(backendSide, client, closeBoth, backendConnection.getBufferPool());
            relay(client, backendSide, closeBoth, backendConnection.getBufferPool());
        }

        private void relay(StreamConnection from, StreamConnection to, ChannelExceptionHandler<Channel> onError, ByteBufferPool buffers) {
            Transfer.initiateTransfer(from.getSourceChannel(), to.getSinkChannel(),
                    ChannelListeners.closingChannelListener(),
                    ChannelListeners.writeShutdownChannelListener(
                            ChannelListeners.flushingChannelListener(ChannelListeners.closingChannelListener(),
                                    ChannelListeners.closingChannelExceptionHandler()),
                            ChannelListeners.closingChannelExceptionHandler()),
                    onError, onError, buffers);
        }

        /**
         * A body relay read its source to the end: record that (the exchange may complete, and release the
         * connection, inside the flush below), then shut the sink down and flush it, reporting a failure to do so.
         */
        private ChannelListener<StreamSinkChannel> finishing(Runnable onSourceDone, Consumer<IOException> onFailure) {
            return sink -> {
                onSourceDone.run();
                try {
                    sink.shutdownWrites();
                    if (sink.flush()) {
                        sink.getWriteSetter().set(null);
                        return;
                    }
                    sink.getWriteSetter().set(ChannelListeners.flushingChannelListener(flushed -> {
                        flushed.suspendWrites();
                        flushed.getWriteSetter().set(null);
                    }, (channel, e) -> onFailure.accept(e)));
                    sink.resumeWrites();
                } catch (IOException e) {
                    onFailure.accept(e);
                }
            };
        }

        /**
         * Answers {@code status} (0: the client is gone, close instead) if no answer was decided yet; later failures
         * are left to {@link #abort}. The backend connection is closed either way: its state is unknown now.
         */
        private void fail(int status, String reason) {
            if (state != State.WAITING) {
                return;
            }
            state = State.SETTLED;
            if (call != null) {
                call.failed(status);
            }
            discardConnection();
            ProxyLog.failure(exchange, backendUri(), status, reason);
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

        /**
         * The connection broke (or the backend closed it) after it was leased and before a response head came.
         * See the class comment for which requests are sent again and where.
         */
        private void brokeBeforeResponse(String reason) {
            if (state != State.WAITING) {
                return;
            }
            discardConnection();
            boolean replayable = RetryPolicy.replayable(exchange, bodyStreamed);
            if (replayable && reusedConnection && !staleRetried) {
                // The usual keep-alive race: the backend closed the idle connection as the request went out.
                staleRetried = true;
                ProxyLog.LOG.fine(() -> "stale pooled connection to " + backend.uri + ", sending again on a fresh one: " + reason);
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

        /** Sends the request to another eligible backend if the retry policy allows one more; else 502. */
        private void retryElsewhere(String reason) {
            if (retryPolicy.allows(retries)) {
                if (tried == null) {
                    tried = new BitSet(backends.length);
                }
                tried.set(backendIndex);
                int next = pick();
                if (next >= 0) {
                    retries++;
                    ProxyLog.retry(exchange, backend.uri, backends[next].uri, reason);
                    discardConnection();
                    leaveBackend();
                    requestRelayed = false;
                    use(next);
                    return;
                }
            }
            fail(StatusCodes.BAD_GATEWAY, reason);
        }

        /** Closes the leased connection, whose state is unknown after a failure; the pool frees its slot on close. */
        private void discardConnection() {
            cancelDeadline();
            ClientConnection discarded = connection;
            // Cleared first: closing fails the connection's pending exchange, whose callbacks must see it is gone.
            connection = null;
            AbortiveClose.close(discarded);
        }

        private static String describe(Exception e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }

        private URI backendUri() {
            return backend == null ? null : backend.uri;
        }

        /** The relay of a response broke: its status is already out, so both connections are closed. */
        private void abort(String reason) {
            if (state != State.RELAYING) {
                return;
            }
            state = State.SETTLED;
            call.failed(0);
            ProxyLog.failure(exchange, backendUri(), 0, reason);
            AbortiveClose.close(connection);
            IoUtils.safeClose(exchange.getConnection());
        }
    }
}
