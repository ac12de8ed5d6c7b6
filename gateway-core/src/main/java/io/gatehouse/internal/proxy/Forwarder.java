package io.gatehouse.internal.proxy;

import io.gatehouse.internal.guard.RequestRejectedException;
import io.gatehouse.internal.observe.UpstreamCall;
import io.gatehouse.internal.http.ErrorResponses;
import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AbstractAttachable;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.PooledAdaptor;
import io.undertow.util.Protocols;
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
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.BitSet;
import java.util.function.Function;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends the request, as the handlers before it left it, to a backend and relays the answer; the last handler of
 * the proxy chain.
 *
 * <p>Contract: the {@link Balancer} picks a backend among those {@link BackendHealth} has in rotation, or among all
 * of them when it has marked every one out. The
 * request line keeps the client's raw path and query (an absolute-form target becomes origin-form); all request
 * headers are copied (hop-by-hop ones were removed upstream); Host is the client's when {@code preserveHost}, else
 * the backend's authority. The backend side is Gatehouse's own HTTP/1.1 client on a {@link BackendConnection}: it
 * writes the {@link RequestHead} and parses the {@link ResponseHead} itself, which costs no second header map on
 * the way out and no extra read after a response framed by length, and refuses a response head that could be read
 * two ways. Interim 1xx
 * responses are dropped (Gatehouse answers the client's own {@code 100-continue}). Bodies stream in both directions
 * with back-pressure, never buffered whole; a request body of unknown length is re-framed as chunked. A WebSocket
 * upgrade answered 101 becomes a byte relay.
 *
 * <p>Failures, each answered once and logged as one line (a retry is logged as one line too; a line that repeats
 * is summarised with a count, see {@link ProxyLog}). Every backend marked out is no failure: the request goes to a
 * marked-out one all the same.
 * <ul>
 *   <li>connect refused or timed out: counts against the backend's health; tried on another backend when the
 *       {@link RetryPolicy} allows, else 502</li>
 *   <li>the backend closes/resets before its response head: on a pooled connection that the backend may have
 *       closed while idle, a replayable request is sent again on a fresh connection (once, not counted); otherwise
 *       it counts against the backend's health and a replayable request is tried on another backend; else 502</li>
 *   <li>a response head that is malformed ({@link ResponseHead}), larger than one buffer (16 KiB, as nginx's
 *       {@code proxy_buffer_size} "too big header"), ambiguously framed ({@link ResponseFraming}), or a 101 the
 *       client did not ask for: 502, the backend connection closed</li>
 *   <li>no response head within {@code responseTimeout} of the request being sent: 504</li>
 *   <li>every pooled connection busy and the queue full, or no slot within {@code connectTimeout}: 503 with
 *       {@code Retry-After}</li>
 *   <li>the guard refuses the request body part-way (its chunked framing breaks, or it passes
 *       {@code limits.maxBody}): 400 or 413, while no response has started</li>
 *   <li>the client's request body breaks off (or, in a gateway mounted in another server, a chunked body passes
 *       that server's {@code MAX_ENTITY_SIZE}, which Undertow answers by closing the client connection): the client
 *       connection is closed</li>
 *   <li>anything after the response head was sent, including a response body cut short by the backend: the client
 *       connection is closed, so the client sees the truncation (a status can no longer change, and a chunked
 *       response is never finished with a terminator the backend did not send)</li>
 * </ul>
 * A backend connection is reused only when both the request and the response were relayed completely, the
 * response did not end the connection ({@code Connection: close}, HTTP/1.0 without keep-alive, a body delimited by
 * the close), and nothing was seen past the response's end (bytes read along with the response, or left after the
 * last chunk). Such bytes are never relayed; bytes that arrive later close the connection while it is idle.
 */
final class Forwarder implements HttpHandler {

    static final String RETRY_AFTER_SECONDS = "1";

    private final Backend[] backends;
    private final Balancer balancer;
    private final RetryPolicy retryPolicy;
    private final boolean preserveHost;
    private final long responseTimeoutMillis;
    private final ProxyLog log;
    private final Map<XnioIoThread, DeadlineQueue> responseDeadlines = new ConcurrentHashMap<>();
    /** Built once: a lambda written in {@link ProxiedExchange#awaitResponse} would be a new object per request. */
    private final Function<XnioIoThread, DeadlineQueue> newDeadlineQueue;

    Forwarder(Backend[] backends, Balancer balancer, RetryPolicy retryPolicy, boolean preserveHost,
              long responseTimeoutMillis, ProxyLog log) {
        this.backends = backends;
        this.balancer = balancer;
        this.retryPolicy = retryPolicy;
        this.preserveHost = preserveHost;
        this.responseTimeoutMillis = responseTimeoutMillis;
        this.log = log;
        this.newDeadlineQueue = thread -> new DeadlineQueue(thread, responseTimeoutMillis);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        // The pools and the client connections live on the exchange's IO thread; run there, after this call returns.
        ProxiedExchange proxied = new ProxiedExchange(exchange);
        exchange.dispatch(exchange.isInIoThread() ? SameThreadExecutor.INSTANCE : exchange.getIoThread(), proxied::start);
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
        private BackendConnection connection;
        private boolean reusedConnection;
        private final ChannelListener<ConduitStreamSourceChannel> responseHeadReader = this::readResponseHead;
        /** The request head while it is being sent. */
        private PooledByteBuffer requestHeadBuffer;
        /** The response head while it is being read; handed to the body relay with what came after it. */
        private PooledByteBuffer responseHeadBuffer;
        private ResponseBody relay;
        /** The response allows the connection to carry another request (HTTP/1.1 without close, say). */
        private boolean backendKeepsOpen;
        private State state = State.WAITING;
        private boolean bodyStreamed;
        private boolean requestRelayed;
        private boolean responseRelayed;
        /** The connection now carries a WebSocket relay, which owns it and closes it. */
        private boolean switched;
        /** The client connection was switched too and the relay runs. */
        private boolean upgradeRelayed;
        private int retries;
        private boolean staleRetried;
        /** Backends this request failed on; allocated on the first retry only. */
        private BitSet tried;
        private long pickedAt;
        /** The pick now made accepts marked-out backends: none in rotation is left. */
        private boolean acceptMarkedOut;

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
                    log.failure(exchange, backendUri(), 0, "client went away before the response");
                }
                if (relay != null) {
                    relay.stop();
                }
                freeHeadBuffers();
                if (connection != null && !switched) {
                    backend.pool.release(connection, requestRelayed && responseRelayed && backendKeepsOpen);
                }
                leaveBackend();
                next.proceed();
            });
            // Never -1: nothing is tried yet, and marked-out backends are chosen when no other is left.
            use(pick());
        }

        /**
         * A backend in rotation not tried yet for this request; when every one left is marked out, one of those (as
         * nginx and Envoy's panic mode do: passive marks alone must never refuse everything, and the first request
         * after an outage must reach the backend that came back). -1 only when all were tried.
         */
        private int pick() {
            pickedAt = System.nanoTime();
            acceptMarkedOut = false;
            int index = balancer.pick(exchange, backends, this);
            if (index < 0) {
                acceptMarkedOut = true;
                index = balancer.pick(exchange, backends, this);
                if (index >= 0) {
                    log.allMarkedOut(exchange, backends[index].uri);
                }
            }
            return index;
        }

        @Override
        public boolean test(int index) {
            return (tried == null || !tried.get(index)) && (acceptMarkedOut || backends[index].health.available(pickedAt));
        }

        private void use(int index) {
            backendIndex = index;
            backend = backends[index];
            backend.inFlight.incrementAndGet();
            call = UpstreamCall.begin(exchange, backend.uri);
            acquire(false);
        }

        private void acquire(boolean fresh) {
            backend.pool.acquire(exchange.getIoThread(), this, fresh);
        }

        private void leaveBackend() {
            if (backend != null) {
                backend.inFlight.decrementAndGet();
                backend = null;
            }
        }

        @Override
        public void connected(BackendConnection leased, boolean reused) {
            if (state != State.WAITING) {
                // The client went away while this request waited for a connection; nothing was sent on it.
                backends[backendIndex].pool.release(leased, true);
                return;
            }
            connection = leased;
            reusedConnection = reused;
            bodyStreamed = !exchange.isRequestComplete();
            call.connected();
            leased.source().setReadListener(responseHeadReader);
            if (!leased.source().isReadResumed()) {
                leased.source().resumeReads();
            }
            boolean chunked = bodyStreamed && !exchange.getRequestHeaders().contains(Headers.CONTENT_LENGTH);
            // The client's framing was consumed by Undertow; a body of unknown length is re-framed as chunked.
            String host = !preserveHost || !exchange.getRequestHeaders().contains(Headers.HOST) ? backend.uri.getRawAuthority() : null;
            requestHeadBuffer = buffers().allocate();
            sendHead(leased, RequestHead.encode(exchange, RequestHead.originForm(exchange), host, chunked, requestHeadBuffer.getBuffer()), chunked);
        }

        private ByteBufferPool buffers() {
            return exchange.getConnection().getByteBufferPool();
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

        /** Writes the head, waiting for the socket when it is full; then the body, if any. */
        private void sendHead(BackendConnection leased, ByteBuffer head, boolean chunked) {
            ConduitStreamSinkChannel sink = leased.sink();
            try {
                while (head.hasRemaining()) {
                    if (sink.write(head) == 0) {
                        sink.getWriteSetter().set(channel -> {
                            if (connection == leased) {
                                sendHead(leased, head, chunked);
                            }
                        });
                        sink.resumeWrites();
                        return;
                    }
                }
            } catch (IOException e) {
                brokeBeforeResponse("sending the request failed: " + ProxyLog.describe(e));
                return;
            }
            sink.getWriteSetter().set(null);
            requestHeadBuffer.close();
            requestHeadBuffer = null;
            if (!bodyStreamed) {
                requestSent(leased);
                return;
            }
            sink.setConduit(chunked ? new ChunkingSinkConduit(leased.rawSink()) : BackendConnection.keepingOpen(leased.rawSink()));
            // The request counts as sent once its framing is ended and flushed: the chunked framing holds back up to
            // a chunk, and a connection must never go back to the pool with part of a request unsent.
            ChannelListener<StreamSinkChannel> finished = ShutdownAndFlush.then(() -> requestSent(leased),
                    e -> {
                        if (connection == leased) {
                            brokeBeforeResponse("sending the request failed: " + ProxyLog.describe(e));
                        }
                    });
            StreamSourceChannel fromClient = exchange.getRequestChannel();
            Transfer.initiateTransfer(fromClient, sink,
                    ChannelListeners.closingChannelListener(), finished,
                    (channel, e) -> {
                        if (state == State.RELAYING) {
                            abort("client request body failed: " + ProxyLog.describe(e));
                        } else {
                            // A body the guard refused (400, 413) is answered; a client that went away is not.
                            int status = RequestRejectedException.statusOf(e);
                            fail(status, status == 0 ? "client aborted the request body: " + ProxyLog.describe(e)
                                    : "request body refused: " + ProxyLog.describe(e));
                        }
                    },
                    (channel, e) -> {
                        if (state == State.RELAYING) {
                            // The response goes on, and the rest of the client's body is not wanted: Undertow closes
                            // the client connection after the response instead of waiting for a body nobody reads.
                            IoUtils.safeClose(fromClient);
                        } else {
                            fail(StatusCodes.BAD_GATEWAY, "backend stopped reading the request body: " + ProxyLog.describe(e));
                        }
                    },
                    buffers());
        }

        /**
         * The whole request is on the wire; the response timeout runs from now, as nginx's proxy_read_timeout: a long
         * upload is bounded by timeouts.idle while it streams, never cut off by the wait for a response.
         */
        private void requestSent(BackendConnection leased) {
            requestRelayed = true;
            if (state == State.WAITING && connection == leased) {
                awaitResponse();
            }
        }

        private void awaitResponse() {
            responseDeadlines.computeIfAbsent(exchange.getIoThread(), newDeadlineQueue).add(this);
        }

        @Override
        void expired() {
            fail(StatusCodes.GATEWAY_TIME_OUT, "no response within " + responseTimeoutMillis + "ms");
        }

        /**
         * Reads the backend's answer until a final response head (or a 101) is whole; interim 1xx responses are
         * dropped, as the client's own 100-continue was answered by Gatehouse.
         */
        private void readResponseHead(ConduitStreamSourceChannel source) {
            if (state != State.WAITING || connection == null || source != connection.source()) {
                // A late event of a connection this request no longer waits on: closed, or about to be.
                source.suspendReads();
                return;
            }
            if (responseHeadBuffer == null) {
                responseHeadBuffer = buffers().allocate();
                responseHeadBuffer.getBuffer().clear();
            }
            ByteBuffer buffer = responseHeadBuffer.getBuffer();
            int read;
            try {
                read = source.read(buffer);
            } catch (IOException e) {
                brokeBeforeResponse("reading the response failed: " + ProxyLog.describe(e));
                return;
            }
            if (read == 0) {
                return;
            }
            if (read < 0) {
                brokeBeforeResponse(buffer.position() == 0 ? "backend closed the connection before responding"
                        : "backend closed the connection in the middle of the response head");
                return;
            }
            buffer.flip();
            ResponseHead head;
            try {
                do {
                    head = ResponseHead.parse(buffer, connection.recentValues);
                } while (head != null && head.isInterim() && head.status != StatusCodes.SWITCHING_PROTOCOLS);
            } catch (ResponseHead.Malformed e) {
                fail(StatusCodes.BAD_GATEWAY, "invalid response: " + e.getMessage());
                return;
            }
            if (head == null) {
                if (buffer.remaining() == buffer.capacity()) {
                    fail(StatusCodes.BAD_GATEWAY, "invalid response: head larger than " + buffer.capacity() + " bytes");
                    return;
                }
                buffer.compact();
                return;
            }
            responseArrived(head, buffer);
        }

        /** {@code rest} holds what came after the head: the start of the body, or of the upgraded protocol. */
        private void responseArrived(ResponseHead response, ByteBuffer rest) {
            cancelDeadline();
            backend.health.answered();
            String problem = ResponseFraming.problem(response);
            boolean webSocket = response.status == StatusCodes.SWITCHING_PROTOCOLS && HopByHop.isWebSocketUpgrade(exchange);
            if (problem == null && response.status == StatusCodes.SWITCHING_PROTOCOLS && !webSocket) {
                problem = "switching protocols the client did not ask for";
            }
            if (problem != null) {
                fail(StatusCodes.BAD_GATEWAY, "invalid response: " + problem);
                return;
            }
            call.responded(response.status);
            state = State.RELAYING;
            exchange.setStatusCode(response.status);
            if (!response.reason.equals(StatusCodes.getReason(response.status))) {
                // An attachment on the exchange; the usual phrase is Undertow's default and needs none.
                exchange.setReasonPhrase(response.reason);
            }
            HopByHop.copyEndToEnd(response, exchange.getResponseHeaders(), webSocket);
            if (!webSocket && exchange.isHttp11() && !exchange.getResponseHeaders().contains(Headers.CONTENT_LENGTH)) {
                // Chunked even when the client connection closes after this response: a body the backend cuts short
                // then lacks its last chunk, where a close-delimited body would look complete to the client.
                exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
            }
            PooledByteBuffer buffer = responseHeadBuffer;
            responseHeadBuffer = null;
            if (webSocket) {
                switched = true;
                BackendConnection backendConnection = connection;
                exchange.upgradeChannel((client, upgraded) -> relayUpgraded(client, backendConnection, buffer));
                // Should the switch never happen (the client goes away first), nothing else would close the backend
                // connection, whose pool slot would stay taken.
                exchange.getConnection().addCloseListener(closed -> {
                    if (!upgradeRelayed) {
                        backendConnection.close();
                    }
                });
                endResponse(exchange.getResponseChannel());
                return;
            }
            backendKeepsOpen = response.keepsConnectionOpen();
            relay = new ResponseBody(connection, buffer, response);
            relay.pump();
        }

        private void relayUpgraded(StreamConnection client, BackendConnection backendConnection, PooledByteBuffer early) {
            upgradeRelayed = true;
            StreamConnection backendSide = backendConnection.channel();
            if (early.getBuffer().hasRemaining()) {
                // What the backend sent right after its 101 belongs to the new protocol: the client gets it first.
                PushBackStreamSourceConduit pushBack = new PushBackStreamSourceConduit(backendConnection.rawSource());
                pushBack.pushBack(new PooledAdaptor(early));
                backendSide.getSourceChannel().setConduit(pushBack);
            } else {
                early.close();
            }
            ChannelExceptionHandler<Channel> closeBoth = (channel, e) -> IoUtils.safeClose(client, backendSide);
            relay(backendSide, client, closeBoth);
            relay(client, backendSide, closeBoth);
        }

        private void relay(StreamConnection from, StreamConnection to, ChannelExceptionHandler<Channel> onError) {
            Transfer.initiateTransfer(from.getSourceChannel(), to.getSinkChannel(),
                    ChannelListeners.closingChannelListener(),
                    ChannelListeners.writeShutdownChannelListener(
                            ChannelListeners.flushingChannelListener(ChannelListeners.closingChannelListener(),
                                    ChannelListeners.closingChannelExceptionHandler()),
                            ChannelListeners.closingChannelExceptionHandler()),
                    onError, onError, buffers());
        }

        /** The backend's response is all in the client's channel: record that, then end and flush the channel. */
        private void endResponse(StreamSinkChannel toClient) {
            // Recorded first: the exchange may complete, and release the connection, inside the flush.
            responseRelayed = true;
            ShutdownAndFlush.then(() -> { }, e -> abort("flushing the response failed: " + ProxyLog.describe(e)))
                    .handleEvent(toClient);
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
            log.failure(exchange, backendUri(), status, reason);
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
                    log.retry(exchange, backend.uri, backends[next].uri, reason);
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
            freeHeadBuffers();
            BackendConnection discarded = connection;
            // Cleared first: late events of the closed connection must see it is gone.
            connection = null;
            if (discarded != null) {
                discarded.close();
            }
        }

        private void freeHeadBuffers() {
            if (requestHeadBuffer != null) {
                requestHeadBuffer.close();
                requestHeadBuffer = null;
            }
            if (responseHeadBuffer != null) {
                responseHeadBuffer.close();
                responseHeadBuffer = null;
            }
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
            log.failure(exchange, backendUri(), 0, reason);
            if (relay != null) {
                relay.stop();
            }
            if (connection != null) {
                connection.close();
            }
            IoUtils.safeClose(exchange.getConnection());
        }

        /**
         * Relays a response body from the backend connection to the client, framed as the backend framed it
         * (Content-Length, chunked, or until the backend closes), starting with the bytes read along with the head.
         * Waits for the client when its socket is full (reads from the backend pause meanwhile) and for the backend
         * when it has sent nothing more. Stops once: at the end of the body, on a failure, or when the exchange ends.
         */
        private final class ResponseBody implements ChannelListener<Channel> {
            private final BackendConnection from;
            private final ConduitStreamSourceChannel source;
            private final StreamSinkChannel sink = exchange.getResponseChannel();
            private PooledByteBuffer pooled;
            /** Framed by Content-Length (or bodiless): {@link #remaining} counts down to the end. */
            private final boolean counted;
            /** Body bytes still to come from the socket when {@link #counted}. */
            private long remaining;
            /** Under a chunked body: what the chunk decoder read past the body's end comes back here. */
            private PushBackStreamSourceConduit pushBack;
            private boolean sourceDone;
            private boolean stopped;

            ResponseBody(BackendConnection from, PooledByteBuffer pooled, ResponseHead response) {
                this.from = from;
                this.source = from.source();
                this.pooled = pooled;
                ByteBuffer buffer = pooled.getBuffer();
                int status = response.status;
                boolean noBody = Methods.HEAD.equals(exchange.getRequestMethod()) || status == StatusCodes.NO_CONTENT
                        || status == StatusCodes.NOT_MODIFIED;
                String length = response.first(Headers.CONTENT_LENGTH);
                counted = noBody || length != null;
                if (counted) {
                    remaining = noBody ? 0 : Long.parseLong(length);
                    keepTheBody(buffer);
                } else if (response.count(Headers.TRANSFER_ENCODING) > 0) {
                    if (!Protocols.HTTP_1_1.equals(response.protocol)) {
                        // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message is faulty framing; close after it.
                        backendKeepsOpen = false;
                    }
                    pushBack = new PushBackStreamSourceConduit(from.rawSource());
                    if (buffer.hasRemaining()) {
                        pushBack.pushBack(new PooledAdaptor(pooled));
                        this.pooled = buffers().allocate();
                        this.pooled.getBuffer().clear().flip();
                    }
                    source.setConduit(new ChunkedStreamSourceConduit(pushBack, pushBack, buffers(), chunked -> { },
                            new AbstractAttachable() { }, from.channel()));
                } else {
                    // Delimited by the backend closing the connection, which therefore cannot carry another request.
                    backendKeepsOpen = false;
                }
                source.setReadListener(this);
                sink.getWriteSetter().set(this);
            }

            @Override
            public void handleEvent(Channel channel) {
                if (stopped) {
                    // A late event; nothing of it is wanted.
                    suspend(channel);
                    return;
                }
                pump();
            }

            /** Writes what is buffered, reads more, until the body ends or one side must be waited for. */
            void pump() {
                ByteBuffer buffer = pooled.getBuffer();
                while (true) {
                    try {
                        while (buffer.hasRemaining()) {
                            if (sink.write(buffer) == 0) {
                                source.suspendReads();
                                sink.resumeWrites();
                                return;
                            }
                        }
                    } catch (IOException e) {
                        abort("client went away during the response: " + ProxyLog.describe(e));
                        return;
                    }
                    if (sourceDone || (counted && remaining == 0)) {
                        finished();
                        return;
                    }
                    buffer.clear();
                    int read;
                    try {
                        read = source.read(buffer);
                    } catch (IOException e) {
                        abort("backend broke off the response: " + ProxyLog.describe(e));
                        return;
                    }
                    buffer.flip();
                    if (counted && read > 0) {
                        keepTheBody(buffer);
                    }
                    if (read == 0) {
                        if (sink.isWriteResumed()) {
                            sink.suspendWrites();
                        }
                        if (!source.isReadResumed()) {
                            source.resumeReads();
                        }
                        return;
                    }
                    if (read < 0) {
                        if (counted) {
                            abort("backend broke off the response: closed before the end of its Content-Length");
                            return;
                        }
                        sourceDone = true;
                    }
                }
            }

            /**
             * Counts the body bytes in {@code buffer} (ready to write) against {@link #remaining}. Reads are never
             * limited to what is left, so bytes a backend sends past the end of its response mostly arrive in the
             * same read: they are cut off here, never relayed, and the connection is not reused (nginx: "upstream sent
             * more data than specified"). What comes later, on the idle connection, closes it there.
             */
            private void keepTheBody(ByteBuffer buffer) {
                if (buffer.remaining() > remaining) {
                    backendKeepsOpen = false;
                    buffer.limit(buffer.position() + (int) remaining);
                }
                remaining -= buffer.remaining();
            }

            /** The whole body is read and handed to the client's channel: the connection goes idle, the response ends. */
            private void finished() {
                if (pushBack != null && backendKeepsOpen) {
                    backendKeepsOpen = nothingMoreFrom(pushBack);
                }
                boolean reusable = requestRelayed && backendKeepsOpen && from.isOpen();
                // A reusable connection keeps reading (its idle watch takes over); any other is closed when the
                // exchange ends and reads nothing until then.
                stop(!reusable);
                if (reusable) {
                    from.idle();
                }
                endResponse(sink);
            }

            /** Whether the backend sent nothing after the last chunk: whatever it did would be read as the next response. */
            private boolean nothingMoreFrom(PushBackStreamSourceConduit afterBody) {
                ByteBuffer probe = pooled.getBuffer().clear();
                try {
                    return afterBody.read(probe) == 0;
                } catch (IOException e) {
                    return false;
                }
            }

            /** No more events are handled and the buffer goes back to the pool. */
            void stop() {
                stop(true);
            }

            private void stop(boolean stopReading) {
                if (stopped) {
                    return;
                }
                stopped = true;
                sink.getWriteSetter().set(null);
                if (sink.isWriteResumed()) {
                    sink.suspendWrites();
                }
                if (stopReading && source.getReadListener() == this) {
                    source.suspendReads();
                }
                pooled.close();
            }

            private void suspend(Channel channel) {
                if (channel instanceof StreamSinkChannel writes) {
                    writes.suspendWrites();
                } else if (channel instanceof ConduitStreamSourceChannel reads) {
                    reads.suspendReads();
                }
            }
        }
    }
}
