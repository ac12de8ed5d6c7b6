package io.gatehouse.internal.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import org.xnio.XnioIoThread;

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
 * <p>Holds what the exchanges of one proxy share: its backends and their order, the balancer, the retry policy, and
 * the response and read timeouts, each with one {@link DeadlineQueue} per IO thread. Thread-safe: requests arrive
 * on any thread.
 */
final class Forwarder implements HttpHandler {

    /** The backends, in configuration order; a {@link Balancer} pick is an index into it. */
    final Backend[] backends;
    /** Picks the backend of each attempt. */
    final Balancer balancer;
    /** Whether a failed attempt may go to another backend. */
    final RetryPolicy retryPolicy;
    /** How long the response head may take once the whole request was sent (504 after it). */
    final DeadlineQueue.PerThread responseDeadlines;
    /**
     * How long the backend may send nothing more of a response body (the response is cut off after it), and how long
     * a switched WebSocket connection may carry nothing either way ({@link Tunnel}, closed after it).
     */
    final DeadlineQueue.PerThread readDeadlines;
    /** Where failures and retries are logged and their repeats counted. */
    final ProxyLog log;

    /**
     * @param backends              the proxy's backends, in configuration order; not copied, never changed
     * @param balancer              picks among them
     * @param retryPolicy           how often a failed request goes to another backend
     * @param responseTimeoutMillis how long a response head may take after the request was sent
     * @param readTimeoutMillis     how long the backend may go silent between two reads of a response body
     * @param log                   the proxy's failure log
     */
    Forwarder(Backend[] backends, Balancer balancer, RetryPolicy retryPolicy, long responseTimeoutMillis,
              long readTimeoutMillis, ProxyLog log) {
        this.backends = backends;
        this.balancer = balancer;
        this.retryPolicy = retryPolicy;
        this.responseDeadlines = new DeadlineQueue.PerThread(responseTimeoutMillis);
        this.readDeadlines = new DeadlineQueue.PerThread(readTimeoutMillis);
        this.log = log;
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
        responseDeadlines.add(waiting, thread);
    }

    /**
     * Sets {@code waiting}'s read deadline, {@code readTimeout} from now, replacing its last one: the codec has
     * relayed all it read of the response body and waits for more. When it passes, {@link ProxiedExchange#expired()}
     * runs on {@code thread}. A link into a list, no allocation: it is called at every pause of every body.
     *
     * @param waiting an exchange relaying a response body
     * @param thread  the exchange's IO thread, the caller's
     */
    void awaitBody(ProxiedExchange waiting, XnioIoThread thread) {
        readDeadlines.add(waiting, thread);
    }
}
