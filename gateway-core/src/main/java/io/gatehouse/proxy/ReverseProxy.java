package io.gatehouse.proxy;

import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.forwarded.ForwardedHeaders;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Forwards a vhost's requests to its backend, the way Apache's {@code ProxyPass} with {@code ProxyPreserveHost On}
 * or nginx's {@code proxy_pass} would, with the client address, Host and scheme passed on.
 *
 * <p>Mount one per proxied vhost. The handler may be called on an IO thread or a worker thread; it never blocks.
 * Errors are answered with a status and one log line, never an exception: see {@link Forwarder} for the table.
 * {@link #close()} closes idle backend connections and refuses new requests (503); connections serving in-flight
 * requests are closed as those finish.
 *
 * <p>Only the first of {@code proxy.backends} is used for now; load balancing is future work.
 */
public final class ReverseProxy implements HttpHandler, AutoCloseable {

    private final HttpHandler chain;
    private final BackendPool pool;

    private ReverseProxy(HttpHandler chain, BackendPool pool) {
        this.chain = chain;
        this.pool = pool;
    }

    /**
     * The proxy for one vhost.
     *
     * @param proxy     backends, Host policy, timeouts, pool and queue sizes
     * @param forwarded which peers' X-Forwarded-* headers are believed
     * @param limits    {@code maxBody} is enforced on request bodies (413 beyond it)
     * @throws IllegalArgumentException when {@code proxy.backends} is empty
     */
    public static ReverseProxy create(ProxyConfig proxy, ForwardedConfig forwarded, Limits limits) {
        if (proxy.backends().isEmpty()) {
            throw new IllegalArgumentException("proxy.backends is empty");
        }
        BackendPool pool = new BackendPool(proxy.backends().get(0), proxy.connectionsPerBackend(), proxy.queueSize(),
                proxy.connectTimeout().toMillis());
        // The order matters: hop-by-hop stripping runs before the forwarded headers are set, so that a client listing
        // X-Forwarded-For in Connection removes only its own copy, never Gatehouse's.
        HttpHandler chain = new BodyLimit(limits.maxBody(),
                new HopByHop(
                        new ForwardedHeaders(forwarded,
                                new Forwarder(pool, proxy.preserveHost(), proxy.responseTimeout().toMillis()))));
        return new ReverseProxy(chain, pool);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        chain.handleRequest(exchange);
    }

    @Override
    public void close() {
        pool.close();
    }
}
