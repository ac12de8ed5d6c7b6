package io.gatehouse.proxy;

import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ProxyConfig;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Forwards a vhost's requests to its backends. TODO(proxy helper): replace this stub.
 */
public final class ReverseProxy implements HttpHandler, AutoCloseable {

    private ReverseProxy() {
    }

    public static ReverseProxy create(ProxyConfig proxy, ForwardedConfig forwarded, Limits limits) {
        return new ReverseProxy();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        throw new UnsupportedOperationException("TODO(proxy helper)");
    }

    @Override
    public void close() {
    }
}
