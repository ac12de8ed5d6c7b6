package io.gatehouse.proxy;

import io.gatehouse.http.ProxyTarget;
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
import io.undertow.util.WorkerUtils;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

/**
 * Sends the request, as the handlers before it left it, to the backend and relays the answer; the last handler of
 * the proxy chain.
 *
 * <p>Contract: the request line keeps the client's raw path and query (an absolute-form target becomes origin-form);
 * all request headers are copied (hop-by-hop ones were removed upstream); Host is the client's when
 * {@code preserveHost}, else the backend's authority. Bodies stream in both directions through Undertow's
 * {@link Transfer} with back-pressure, never buffered whole. A WebSocket upgrade answered 101 becomes a byte relay.
 *
 * <p>Failures, each answered once and logged as one line:
 * <ul>
 *   <li>connect refused, or the backend closes/resets before its response head: 502</li>
 *   <li>no connection within {@code connectTimeout}: 502</li>
 *   <li>no response head within {@code responseTimeout} of the request being sent: 504</li>
 *   <li>every pooled connection busy and the queue full, or no slot within {@code connectTimeout}: 503 with
 *       {@code Retry-After}</li>
 *   <li>the client's request body breaks off (or a chunked body passes {@code limits.maxBody}, which Undertow
 *       answers by closing the client connection): the client connection is closed</li>
 *   <li>anything after the response head was sent: the client connection is closed (a status can no longer change)</li>
 * </ul>
 * A backend connection is reused only when both the request and the response were relayed completely.
 */
final class Forwarder implements HttpHandler {

    static final String RETRY_AFTER_SECONDS = "1";

    private final BackendPool pool;
    private final boolean preserveHost;
    private final long responseTimeoutMillis;

    Forwarder(BackendPool pool, boolean preserveHost, long responseTimeoutMillis) {
        this.pool = pool;
        this.preserveHost = preserveHost;
        this.responseTimeoutMillis = responseTimeoutMillis;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        // The pool and the client connections live on the exchange's IO thread; run there, after this call returns.
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
        /** No answer yet: a failure becomes an error status. */
        WAITING,
        /** The backend's response is being relayed: a failure can only close the connections. */
        RELAYING,
        /** Settled: an error status was given, or the connections were closed. Late events are ignored. */
        SETTLED
    }

    /** One request's trip to the backend. Every method runs on the exchange's IO thread. */
    private final class ProxiedExchange implements BackendPool.Lease {
        private final HttpServerExchange exchange;
        private ClientConnection connection;
        private XnioExecutor.Key responseTimer;
        private State state = State.WAITING;
        private boolean requestRelayed;
        private boolean responseRelayed;
        /** The connection now carries a WebSocket relay, which owns it and closes it. */
        private boolean switched;

        ProxiedExchange(HttpServerExchange exchange) {
            this.exchange = exchange;
        }

        void start() {
            pool.acquire(exchange.getIoThread(), exchange.getConnection().getByteBufferPool(), this);
        }

        @Override
        public void connected(ClientConnection leased) {
            connection = leased;
            exchange.addExchangeCompleteListener((done, next) -> {
                cancelResponseTimer();
                if (!switched) {
                    pool.release(leased, requestRelayed && responseRelayed);
                }
                next.proceed();
            });
            leased.sendRequest(request(), new ClientCallback<>() {
                @Override
                public void completed(ClientExchange backendExchange) {
                    requestSent(backendExchange);
                }

                @Override
                public void failed(IOException e) {
                    fail(StatusCodes.BAD_GATEWAY, "sending the request failed: " + e.getMessage());
                }
            });
        }

        @Override
        public void failed(BackendPool.Failure failure, String reason) {
            fail(failure == BackendPool.Failure.REFUSED || failure == BackendPool.Failure.CONNECT_TIMEOUT
                    ? StatusCodes.BAD_GATEWAY : StatusCodes.SERVICE_UNAVAILABLE, reason);
        }

        private ClientRequest request() {
            ClientRequest request = new ClientRequest().setMethod(exchange.getRequestMethod()).setPath(originForm(exchange));
            HeaderMap headers = request.getRequestHeaders();
            for (HeaderValues values : exchange.getRequestHeaders()) {
                headers.putAll(values.getHeaderName(), values);
            }
            if (!preserveHost || !headers.contains(Headers.HOST)) {
                headers.put(Headers.HOST, pool.backend().getRawAuthority());
            }
            // The client's framing was consumed by Undertow; re-frame a body of unknown length as chunked.
            if (!exchange.isRequestComplete() && !headers.contains(Headers.CONTENT_LENGTH)) {
                headers.put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
            }
            return request;
        }

        private void requestSent(ClientExchange backendExchange) {
            if (state != State.WAITING) {
                return;
            }
            responseTimer = WorkerUtils.executeAfter(exchange.getIoThread(),
                    () -> fail(StatusCodes.GATEWAY_TIME_OUT, "no response within " + responseTimeoutMillis + "ms"),
                    responseTimeoutMillis, TimeUnit.MILLISECONDS);
            backendExchange.setResponseListener(new ClientCallback<>() {
                @Override
                public void completed(ClientExchange result) {
                    responseArrived(result);
                }

                @Override
                public void failed(IOException e) {
                    fail(StatusCodes.BAD_GATEWAY, "backend closed the connection before responding: " + e.getMessage());
                }
            });
            StreamSinkChannel toBackend = backendExchange.getRequestChannel();
            ChannelListener<StreamSinkChannel> finished = finishing(() -> requestRelayed = true,
                    e -> fail(StatusCodes.BAD_GATEWAY, "sending the request failed: " + e.getMessage()));
            if (exchange.isRequestComplete()) {
                finished.handleEvent(toBackend);
                return;
            }
            Transfer.initiateTransfer(exchange.getRequestChannel(), toBackend,
                    ChannelListeners.closingChannelListener(), finished,
                    (channel, e) -> {
                        if (state == State.RELAYING) {
                            abort("client request body failed: " + e.getMessage());
                        } else {
                            fail(0, "client aborted the request body: " + e.getMessage());
                        }
                    },
                    // After the response started, the response relay alone decides what happens to the connections.
                    (channel, e) -> fail(StatusCodes.BAD_GATEWAY, "backend stopped reading the request body: " + e.getMessage()),
                    exchange.getConnection().getByteBufferPool());
        }

        private void responseArrived(ClientExchange backendExchange) {
            if (state != State.WAITING) {
                return;
            }
            state = State.RELAYING;
            cancelResponseTimer();
            ClientResponse response = backendExchange.getResponse();
            boolean webSocket = response.getResponseCode() == StatusCodes.SWITCHING_PROTOCOLS && HopByHop.isWebSocketUpgrade(exchange);
            exchange.setStatusCode(response.getResponseCode());
            exchange.setReasonPhrase(response.getStatus());
            HopByHop.copyEndToEnd(response.getResponseHeaders(), exchange.getResponseHeaders(), webSocket);
            if (webSocket) {
                switched = true;
                exchange.upgradeChannel((client, upgraded) -> relayUpgraded(client, backendExchange.getConnection()));
            }
            Transfer.initiateTransfer(backendExchange.getResponseChannel(), exchange.getResponseChannel(),
                    ChannelListeners.closingChannelListener(),
                    finishing(() -> responseRelayed = true, e -> abort("flushing the response failed: " + e.getMessage())),
                    (channel, e) -> abort("backend broke off the response: " + e.getMessage()),
                    (channel, e) -> abort("client went away during the response: " + e.getMessage()),
                    exchange.getConnection().getByteBufferPool());
        }

        private void relayUpgraded(StreamConnection client, ClientConnection backendConnection) {
            StreamConnection backend;
            try {
                backend = backendConnection.performUpgrade();
            } catch (IOException e) {
                ProxyLog.failure(exchange, pool.backend(), 0, "WebSocket upgrade failed: " + e.getMessage());
                IoUtils.safeClose(client, backendConnection);
                return;
            }
            ChannelExceptionHandler<Channel> closeBoth = (channel, e) -> IoUtils.safeClose(client, backend);
            relay(backend, client, closeBoth, backendConnection.getBufferPool());
            relay(client, backend, closeBoth, backendConnection.getBufferPool());
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
            IoUtils.safeClose(connection);
            cancelResponseTimer();
            ProxyLog.failure(exchange, pool.backend(), status, reason);
            if (status == 0) {
                IoUtils.safeClose(exchange.getConnection());
                return;
            }
            exchange.setStatusCode(status);
            if (status == StatusCodes.SERVICE_UNAVAILABLE) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            }
            if (!exchange.isRequestComplete()) {
                // The rest of the body is not wanted; do not make the client wait while it is drained.
                exchange.setPersistent(false);
            }
            exchange.endExchange();
        }

        /** The relay of a response broke: its status is already out, so both connections are closed. */
        private void abort(String reason) {
            if (state != State.RELAYING) {
                return;
            }
            state = State.SETTLED;
            ProxyLog.failure(exchange, pool.backend(), 0, reason);
            IoUtils.safeClose(connection);
            IoUtils.safeClose(exchange.getConnection());
        }

        private void cancelResponseTimer() {
            if (responseTimer != null) {
                responseTimer.remove();
                responseTimer = null;
            }
        }
    }
}
