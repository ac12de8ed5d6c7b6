package io.gatehouse.internal.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import org.xnio.XnioIoThread;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Sends the request, as the handlers before it left it, to a backend and relays the answer; the last handler of
 * the proxy chain.
 *
 * <p>Contract: the request line keeps the client's raw path and query (an absolute-form target becomes
 * origin-form); all request headers are copied (hop-by-hop ones were removed upstream); Host is the client's when
 * {@code preserveHost}, else the backend's authority. Each request is a {@link ProxiedExchange}, whose stages
 * (pick a backend, lease a connection, send, await, relay, release) and the answer to a failure in each are listed
 * there; the wire protocol is the connection's {@link UpstreamCodec} ({@link Http1Codec}). Every failure is answered
 * once with a status (502, 503, 504, or the guard's 400/413) or a closed connection, and logged as one line.
 *
 * <p>Holds what the exchanges of one proxy share: its backends and their order, the balancer, the retry policy, the
 * response timeout and one {@link DeadlineQueue} per IO thread. Thread-safe: requests arrive on any thread.
 */
final class Forwarder implements HttpHandler {

    /** The backends, in configuration order; a {@link Balancer} pick is an index into it. */
    final Backend[] backends;
    /** Picks the backend of each attempt. */
    final Balancer balancer;
    /** Whether a failed attempt may go to another backend. */
    final RetryPolicy retryPolicy;
    /** How long the response head may take once the whole request was sent (504 after it). */
    final long responseTimeoutMillis;
    /** Where failures and retries are logged and their repeats counted. */
    final ProxyLog log;
    private final Map<XnioIoThread, DeadlineQueue> responseDeadlines = new ConcurrentHashMap<>();
    /** Built once: a lambda written in {@link #awaitResponse} would be a new object per request. */
    private final Function<XnioIoThread, DeadlineQueue> newDeadlineQueue;

    /**
     * @param backends              the proxy's backends, in configuration order; not copied, never changed
     * @param balancer              picks among them
     * @param retryPolicy           how often a failed request goes to another backend
     * @param responseTimeoutMillis how long a response head may take after the request was sent
     * @param log                   the proxy's failure log
     */
    Forwarder(Backend[] backends, Balancer balancer, RetryPolicy retryPolicy, long responseTimeoutMillis, ProxyLog log) {
        this.backends = backends;
        this.balancer = balancer;
        this.retryPolicy = retryPolicy;
        this.responseTimeoutMillis = responseTimeoutMillis;
        this.log = log;
        this.newDeadlineQueue = thread -> new DeadlineQueue(thread, responseTimeoutMillis);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        // The pools and the client connections live on the exchange's IO thread; run there, after this call returns.
        ProxiedExchange proxied = new ProxiedExchange(this, exchange);
        exchange.dispatch(exchange.isInIoThread() ? SameThreadExecutor.INSTANCE : exchange.getIoThread(), proxied::start);
    }

    /**
     * Sets {@code waiting}'s response deadline, {@code responseTimeout} from now; when it passes,
     * {@link ProxiedExchange#expired()} runs on {@code thread}.
     *
     * @param waiting an exchange that sent its whole request
     * @param thread  the exchange's IO thread, the caller's
     */
    void awaitResponse(ProxiedExchange waiting, XnioIoThread thread) {
        responseDeadlines.computeIfAbsent(thread, newDeadlineQueue).add(waiting);
    }
}
