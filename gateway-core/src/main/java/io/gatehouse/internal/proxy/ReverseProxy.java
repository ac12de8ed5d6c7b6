package io.gatehouse.internal.proxy;

import io.gatehouse.config.FastCgiConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.internal.forwarded.ForwardedHeaders;
import io.gatehouse.internal.http.ErrorResponses;
import io.gatehouse.internal.observe.BackendGauges;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Forwards a vhost's requests to its backends, the way Apache's {@code ProxyPass} with {@code ProxyPreserveHost On}
 * or nginx's {@code proxy_pass} would, with the client address, Host and scheme passed on.
 *
 * <p>Mount one per proxied vhost. The handler may be called on an IO thread or a worker thread; it never blocks.
 * Errors are answered with a status and one log line, never an exception: see {@link ProxiedExchange} for the table.
 * Requests are spread by the configured {@link Balancer} over the backends {@link BackendHealth} has in rotation
 * (over all of them when it has marked every one out); failed requests are retried per {@link RetryPolicy}.
 * {@link #close()} closes idle backend connections, stops the health check and refuses new requests (503);
 * connections serving in-flight requests close as those finish.
 * Repeated failures are summarised in a {@link #failureLog failure log}: the proxy's own, or its owner's.
 *
 * <p>Thread-safe: one instance serves every IO thread (its backend pools are per IO thread), and routes with equal
 * proxy settings share it. Public for the handler tree in {@code io.gatehouse} and for an application that mounts a
 * proxy of its own (src-docs/embedding.md).
 */
public final class ReverseProxy implements HttpHandler, AutoCloseable {

    private final HttpHandler chain;
    /** {@link #chain} without its {@link ClientHeaders} step, for a tree that ran that step at its root. */
    private final HttpHandler afterClientHeaders;
    private final List<Backend> backends;
    private final Optional<HealthChecker> healthChecker;
    /** The failure log this proxy made for itself and closes; null when its owner's. */
    private final RepeatedEvents ownFailureLog;
    /** Connects to the backends on Unix sockets; null when there are none. */
    private final UnixSocketConnector unixSockets;

    private ReverseProxy(HttpHandler chain, HttpHandler afterClientHeaders, List<Backend> backends,
                         Optional<HealthChecker> healthChecker, RepeatedEvents ownFailureLog,
                         UnixSocketConnector unixSockets) {
        this.chain = chain;
        this.afterClientHeaders = afterClientHeaders;
        this.backends = backends;
        this.healthChecker = healthChecker;
        this.ownFailureLog = ownFailureLog;
        this.unixSockets = unixSockets;
    }

    /**
     * The proxy for one vhost; starts its active health check, if one is configured. Its repeated failures are
     * summarised every {@link RepeatedEvents#DEFAULT_INTERVAL} in a failure log of its own, which {@link #close()}
     * flushes and closes.
     *
     * @param proxy     backends, balancing, health, retries, Host policy, timeouts, pool and queue sizes
     * @param forwarded which peers' X-Forwarded-* headers are believed
     * @param limits    {@code maxBody} is enforced on request bodies (413 beyond it)
     * @return the proxy, ready to serve; close it to release its connections and health-check timer
     * @throws IllegalArgumentException when {@code proxy.backends} is empty, or its {@code tls.ca} file can no
     *                                  longer be read
     */
    public static ReverseProxy create(ProxyConfig proxy, ForwardedConfig forwarded, Limits limits) {
        RepeatedEvents own = failureLog(RepeatedEvents.DEFAULT_INTERVAL);
        return create(proxy, forwarded, limits, own, own);
    }

    /**
     * Like {@link #create(ProxyConfig, ForwardedConfig, Limits)}, summarising repeated failures in
     * {@code failureLog}, made by {@link #failureLog(Duration)} and owned by the caller: several proxies may share
     * it (one outage, one summary per backend and reason), and closing the proxy leaves it open.
     *
     * @param proxy      backends, balancing, health, retries, Host policy, timeouts, pool and queue sizes
     * @param forwarded  which peers' X-Forwarded-* headers are believed
     * @param limits     {@code maxBody} is enforced on request bodies (413 beyond it)
     * @param failureLog where repeated failures are summarised; not closed by the proxy
     * @return the proxy, ready to serve
     * @throws IllegalArgumentException when {@code proxy.backends} is empty, or its {@code tls.ca} file can no
     *                                  longer be read
     * @throws NullPointerException     when {@code failureLog} is null
     */
    public static ReverseProxy create(ProxyConfig proxy, ForwardedConfig forwarded, Limits limits,
                                      RepeatedEvents failureLog) {
        return create(proxy, forwarded, limits, Objects.requireNonNull(failureLog, "failureLog"), null);
    }

    /** {@code own}: {@code failureLog} when the proxy closes it, else null. */
    private static ReverseProxy create(ProxyConfig proxy, ForwardedConfig forwarded, Limits limits,
                                       RepeatedEvents failureLog, RepeatedEvents own) {
        if (proxy.backends().isEmpty()) {
            throw new IllegalArgumentException("proxy.backends is empty");
        }
        ProxyLog log = new ProxyLog(failureLog);
        List<Backend> backends = new ArrayList<>();
        TlsTransport tls = proxy.backends().stream().anyMatch(TlsTransport::serves) ? TlsTransport.of(proxy.tls()) : null;
        for (URI uri : proxy.backends()) {
            backends.add(new Backend(uri,
                    new BackendPool(uri, TlsTransport.serves(uri) ? tls.connector(uri) : BackendPool.tcp(uri),
                            proxy.connectionsPerBackend(), proxy.maxConnections(), proxy.queueSize(),
                            proxy.connectTimeout().toMillis(), proxy.idleTimeout().toMillis(),
                            Http1Codec.factory(uri, proxy.preserveHost())),
                    new BackendHealth(uri, proxy.backends().size() > 1, proxy.health().failures(),
                            proxy.health().coolOff().toMillis())));
        }
        Forwarder forwarder = new Forwarder(backends.toArray(Backend[]::new), Balancer.of(proxy.balance()),
                new RetryPolicy(proxy.retries()), proxy.responseTimeout().toMillis(), proxy.readTimeout().toMillis(),
                log);
        // The order matters: the client's headers are cleaned (what its Connection lists included) before the
        // forwarded headers are set, so that a client listing X-Forwarded-For in Connection removes only its own copy,
        // never Gatehouse's.
        HttpHandler forwarding = new HopByHop(new ForwardedHeaders(forwarded, forwarder));
        HttpHandler chain = new BodyLimit(limits.maxBody(), log, new ClientHeaders(forwarded, forwarding));
        HttpHandler afterClientHeaders = new BodyLimit(limits.maxBody(), log, forwarding);
        List<Backend> all = List.copyOf(backends);
        return new ReverseProxy(chain, afterClientHeaders, all,
                proxy.health().check().map(check -> HealthChecker.start(all, check, tls)), own, null);
    }

    /**
     * A proxy that runs scripts on FastCGI servers ({@link FastCgiCodec}) instead of forwarding HTTP: the file
     * server's handler for the scripts it resolved ({@link FastCgiScript}, attached to each request; a request
     * without one is answered 500). Balancing (round robin), passive health, retries of requests that can be sent
     * again, the pools, the timeouts (connect: 502; response: 504; read: the response cut off) and the upstream
     * metrics are a proxy's. The request headers go as CGI variables as they are: no X-Forwarded-* is added, the
     * client's address is {@code REMOTE_ADDR}. Servers on Unix sockets are reached through a {@code gatehouse-unix} thread of the
     * proxy's own ({@link UnixSocketConnector}); a socket file that is missing is a 502, like a refused port.
     *
     * @param fastcgi    the servers, extensions and timeouts
     * @param limits     {@code maxBody} is enforced on request bodies (413 beyond it)
     * @param failureLog where repeated failures and the scripts' stderr lines are summarised; not closed by the proxy
     * @return the proxy, ready to serve; close it to release its connections
     * @throws NullPointerException when {@code failureLog} is null
     */
    public static ReverseProxy fastCgi(FastCgiConfig fastcgi, Limits limits, RepeatedEvents failureLog) {
        return fastCgi(fastcgi, fastcgi.backends(), limits, failureLog);
    }

    /**
     * Like {@link #fastCgi(FastCgiConfig, Limits, RepeatedEvents)}, on {@code servers} instead of the configured
     * backends: the ports of the php-cgi processes a {@code fastcgi.spawn} runs.
     *
     * @param fastcgi    the extensions and timeouts
     * @param servers    at least one {@code fcgi://host:port} or {@code unix:/path} ({@link FastCgiConfig#backends()})
     * @param limits     {@code maxBody} is enforced on request bodies (413 beyond it)
     * @param failureLog where repeated failures and the scripts' stderr lines are summarised; not closed by the proxy
     * @return the proxy, ready to serve; close it to release its connections
     * @throws NullPointerException when {@code failureLog} is null
     */
    public static ReverseProxy fastCgi(FastCgiConfig fastcgi, List<URI> servers, Limits limits,
                                       RepeatedEvents failureLog) {
        ProxyLog log = new ProxyLog(Objects.requireNonNull(failureLog, "failureLog"));
        List<URI> uris = List.copyOf(servers);
        UnixSocketConnector unixSockets = uris.stream().anyMatch(FastCgiConfig::isUnixSocket)
                ? new UnixSocketConnector() : null;
        List<Backend> backends = new ArrayList<>();
        for (URI uri : uris) {
            backends.add(new Backend(uri,
                    // A worker serves one connection for as long as it stays open: connections are counted and
                    // queued for per server, over the IO threads and the pools of every files action (ServerSlots).
                    new BackendPool(uri, FastCgiConfig.isUnixSocket(uri) ? unixSockets.to(uri) : BackendPool.tcp(uri),
                            ServerSlots.of(uri, fastcgi.maxConnections(), fastcgi.keepAlive()),
                            fastcgi.connectTimeout().toMillis(),
                            ProxyConfig.DEFAULT_IDLE_TIMEOUT.toMillis(), FastCgiCodec.factory(uri, log)),
                    new BackendHealth(uri, uris.size() > 1, ProxyConfig.Health.DEFAULT_FAILURES,
                            ProxyConfig.Health.DEFAULT_COOL_OFF.toMillis())));
        }
        Forwarder forwarder = new Forwarder(backends.toArray(Backend[]::new), Balancer.of(ProxyConfig.DEFAULT_BALANCE),
                new RetryPolicy(ProxyConfig.defaultRetries(uris.size())), fastcgi.responseTimeout().toMillis(),
                fastcgi.readTimeout().toMillis(), log);
        HttpHandler scripts = exchange -> {
            if (FastCgiScript.of(exchange) == null) {
                ErrorResponses.send(exchange, StatusCodes.INTERNAL_SERVER_ERROR);
                return;
            }
            forwarder.handleRequest(exchange);
        };
        HttpHandler chain = new BodyLimit(limits.maxBody(), log, scripts);
        return new ReverseProxy(chain, chain, List.copyOf(backends), Optional.empty(), null, unixSockets);
    }

    /**
     * A log for the proxy's repeated warnings (on the {@code io.gatehouse.internal.proxy} logger), summarising once per
     * {@code interval}, for {@link #create(ProxyConfig, ForwardedConfig, Limits, RepeatedEvents)}. The caller closes
     * it after the proxies that use it.
     *
     * @param interval how often repeats are summarised; zero logs every failure
     * @return a new log, thread-safe, open until closed
     */
    public static RepeatedEvents failureLog(Duration interval) {
        return ProxyLog.repeatedEvents(interval);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        chain.handleRequest(exchange);
    }

    /**
     * This proxy for a handler tree that puts {@link ClientHeaders} (with the same {@code forwarded} settings) at its
     * root, before its routes, as Gatehouse's own does: the same chain without that step, which must run once only. A
     * second run after the routes would remove what a route set under a name the client lists in {@code Connection}.
     * Mounted anywhere else it forwards what the client sent uncleaned (its Connection-listed, underscore and
     * untrusted client-address headers): use the proxy itself there.
     *
     * @return the proxy's chain without its client-header cleaning; closed with this proxy
     */
    public HttpHandler afterClientHeaders() {
        return afterClientHeaders;
    }

    /**
     * The backends, in configuration order.
     *
     * @return their URIs as configured
     */
    public List<URI> backends() {
        return backends.stream().map(backend -> backend.uri).toList();
    }

    /**
     * Whether {@code backend} is in rotation now, or health checks have marked it out.
     *
     * @param backend one of {@link #backends()}
     * @return {@code true} while it is in rotation
     * @throws IllegalArgumentException when {@code backend} is not one of this proxy's
     */
    public boolean takesRequests(URI backend) {
        return backend(backend).up();
    }

    /**
     * What the gauges of {@code backend} read. Public for the handler tree, which points the gateway's backend
     * gauges at the proxies of the configuration it serves.
     *
     * @param backend one of {@link #backends()}
     * @return a live view of the backend, not a snapshot
     * @throws IllegalArgumentException when {@code backend} is not one of this proxy's
     */
    public BackendGauges.Source gaugeSource(URI backend) {
        return backend(backend);
    }

    private Backend backend(URI uri) {
        for (Backend candidate : backends) {
            if (candidate.uri.equals(uri)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(uri + " is not a backend of this proxy");
    }

    /**
     * A snapshot of every backend, in configuration order: whether it takes requests, its load and failures.
     *
     * @return one state per backend, taken now
     */
    public List<BackendState> backendStates() {
        return backends.stream().map(Backend::state).toList();
    }

    /**
     * Stops the health check, closes idle backend connections and answers new requests 503; connections serving
     * in-flight requests close as those finish (the thread watching Unix-socket connections, with the last of them).
     * Closes the failure log only when the proxy made it itself.
     */
    @Override
    public void close() {
        healthChecker.ifPresent(HealthChecker::close);
        backends.forEach(Backend::close);
        if (unixSockets != null) {
            unixSockets.close();
        }
        if (ownFailureLog != null) {
            ownFailureLog.close();
        }
    }
}
