package io.gatehouse.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Forward requests to backends.
 *
 * @param backends            {@code http://host:port} URIs (no path, query or user info)
 * @param preserveHost        true: the client's Host goes to the backend (Apache ProxyPreserveHost On)
 * @param connectTimeout      for a backend connection; past it the request gets 502 (or goes to another backend)
 * @param responseTimeout     for the backend's response once the request is sent; past it, 504
 * @param connectionsPerBackend pooled connections per backend and IO thread
 * @param queueSize           requests that may wait for a pooled connection before 503
 */
public record ProxyConfig(
        List<URI> backends,
        boolean preserveHost,
        Duration connectTimeout,
        Duration responseTimeout,
        int connectionsPerBackend,
        int queueSize) implements Action {

    public static final boolean DEFAULT_PRESERVE_HOST = true;
    public static final int DEFAULT_CONNECTIONS_PER_BACKEND = 64;
    public static final int DEFAULT_QUEUE_SIZE = 1024;

    public ProxyConfig {
        backends = List.copyOf(backends);
    }

    @Override
    public String kind() {
        return "proxy";
    }
}
