package io.gatehouse;

import io.gatehouse.config.Action;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.FastCgiConfig;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.VirtualHost;
import io.gatehouse.internal.echo.EchoHandler;
import io.gatehouse.internal.files.FileServer;
import io.gatehouse.internal.forwarded.RequestOrigin;
import io.gatehouse.internal.guard.RefusedRequests;
import io.gatehouse.internal.observe.AccessLog;
import io.gatehouse.internal.observe.BackendGauges;
import io.gatehouse.internal.tls.CertificateGauges;
import io.gatehouse.internal.tls.ServerTls;
import io.gatehouse.internal.observe.RequestMetrics;
import io.gatehouse.internal.proxy.ClientHeaders;
import io.gatehouse.internal.proxy.ReverseProxy;
import io.gatehouse.internal.routes.RouteChain;
import io.gatehouse.internal.spawn.PhpCgiProcesses;
import io.gatehouse.internal.tls.HttpsRedirect;
import io.gatehouse.internal.tls.HttpsScheme;
import io.gatehouse.internal.tls.MisdirectedRequests;
import io.gatehouse.internal.tls.StrictTransportSecurity;
import io.gatehouse.internal.vhosts.HostRouter;
import io.gatehouse.internal.vhosts.HostTable;
import io.gatehouse.internal.vhosts.ServedBy;
import io.gatehouse.internal.vhosts.VhostRoute;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The one place where a configuration becomes a handler tree. For each listener:
 * <pre>
 *   request origin → access log → request metrics → refused requests → client headers → host router
 *   → [TLS listener: HSTS → misdirected requests (421) → scheme https | plain listener: redirect to HTTPS] → vhost routes
 *   → route action (proxy | files | echo | redirect | respond)
 * </pre>
 * Each vhost's routes are built once and shared by every listener the vhost is bound to; routes with equal proxy
 * settings share one proxy, so a backend's connection pool is one pool. {@link #close()} releases what the actions
 * hold.
 */
final class HandlerTree implements AutoCloseable {

    private final GatewayConfig config;
    private final MeterRegistry registry;
    /** The owner's, not this tree's: they outlive a reload, and are not closed with the tree. */
    private final GatewayLogs logs;
    /** In the order of the configuration. A list, not a map: hashing a vhost hashes all of its configuration. */
    private final List<BuiltVhost> vhosts = new ArrayList<>();
    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    private final AccessLog accessLog;
    private final HostTable<VirtualHost> everyHost = new HostTable<>();
    /** Proxy actions with equal settings share one proxy, so that a backend has one connection pool. */
    private final Map<ProxyConfig.PoolKey, ReverseProxy> proxies = new HashMap<>();
    /** The files actions' FastCGI proxies: one each, not shared, but gauged like {@link #proxies}. */
    private final List<ReverseProxy> fastCgiProxies = new ArrayList<>();
    /** The php-cgi processes of each {@code fastcgi.spawn}, shared by the files actions with the same settings. */
    private final Map<FastCgiConfig.Spawn, PhpCgiProcesses> spawned = new HashMap<>();
    /** The tree this one replaces, until it is built: it lends its php-cgi processes. Null for the first tree. */
    private HandlerTree previous;
    /** Shared by every configuration a gateway reloads, so each backend's gauge is one series; null without meters. */
    private final BackendGauges backendGauges;
    /** Shared like {@link #backendGauges}: one expiry series per certificate file; null without meters. */
    private final CertificateGauges certificateGauges;
    /** The TLS of each tls listener, the certificates read from their files as this tree was built. */
    private final Map<ListenAddress, ServerTls> tls;

    /**
     * The trees of {@code config}, recording meters as {@code options} say; its proxies and listeners log repeated
     * events in {@code logs}. When {@code previous} (may be null: the first tree) writes the same access log, this one
     * writes to that log too instead of opening the file a second time (two writers on one file would interleave
     * partial lines while the old tree drains); each tree holds its own reference, so the file closes when the last
     * tree using it is closed, and abandoning this one changes nothing for {@code previous}.
     *
     * @throws java.io.UncheckedIOException when the access log cannot be opened, a {@code fastcgi.spawn}'s php-cgi
     *                                      does not start (nothing stays running then), or a certificate of the
     *                                      tls listeners cannot be read (the message names the file)
     */
    HandlerTree(GatewayConfig config, GatewayOptions options, GatewayLogs logs, HandlerTree previous) {
        this.config = config;
        this.registry = options.meterRegistry().orElse(null);
        this.logs = logs;
        // An application's sink asks for the lines whatever the configured path, "off" included.
        this.accessLog = config.accessLog().enabled() || logs.accessLogSink() != null ? accessLogFrom(previous) : null;
        this.backendGauges = registry == null ? null
                : previous != null && previous.backendGauges != null ? previous.backendGauges : new BackendGauges(registry);
        this.certificateGauges = registry == null ? null
                : previous != null && previous.certificateGauges != null ? previous.certificateGauges : new CertificateGauges(registry);
        this.previous = previous;
        try {
            // Read now, not taken from the previous tree: a reload is how a renewed certificate is served.
            this.tls = ServerTls.forListeners(config);
            for (VirtualHost vhost : config.vhosts()) {
                ServedBy servedBy = ServedBy.vhost(vhost.name());
                RouteChain routes = RouteChain.create(servedBy, vhost.routes(), this::actionHandler);
                vhosts.add(new BuiltVhost(vhost, new VhostRoute(servedBy, routes)));
                vhost.hosts().forEach(host -> everyHost.put(host, vhost));
            }
        } catch (RuntimeException e) {
            // Nobody gets this tree to close: release what it started or borrowed (php-cgi processes, the log).
            close();
            throw e;
        } finally {
            this.previous = null;
        }
    }

    /** See {@link Gateway#reopenAccessLog()}. */
    void reopenAccessLog() {
        if (accessLog != null) {
            accessLog.reopen();
        }
    }

    /**
     * The root handler of one listener: only the vhosts bound to it are served there, each with what the listener
     * adds ({@link #servedOn}).
     */
    HttpHandler rootFor(ListenAddress listener) {
        return root(vhost -> config.listenersOf(vhost).contains(listener),
                (vhost, route) -> servedOn(listener, vhost, route));
    }

    /** A root handler serving every vhost, whatever its listeners: for mounting in another server. */
    HttpHandler rootForAll() {
        return root(vhost -> true, (vhost, route) -> route);
    }

    /**
     * A vhost as {@code listener} serves it. On a TLS listener: the scheme https, 421 for a host the connection's
     * certificate does not cover, and the vhost's {@code tls.hsts} on every response (421s included). On a plain one:
     * the vhost's {@code tls.redirect} to HTTPS.
     */
    private VhostRoute servedOn(ListenAddress listener, VirtualHost vhost, VhostRoute route) {
        HttpHandler handler = route.handler();
        if (listener.tls()) {
            handler = new MisdirectedRequests(new HttpsScheme(handler));
            Optional<String> hsts = vhost.tls().hsts();
            if (hsts.isPresent()) {
                handler = new StrictTransportSecurity(hsts.get(), handler);
            }
        } else if (vhost.tls().redirect()) {
            handler = new HttpsRedirect(httpsPort(vhost), handler);
        }
        return handler == route.handler() ? route : new VhostRoute(route.servedBy(), handler);
    }

    /** The port a redirect to HTTPS names: 443 when the vhost is on a TLS listener there, else its first one's. */
    private int httpsPort(VirtualHost vhost) {
        List<Integer> ports = config.listenersOf(vhost).stream().filter(ListenAddress::tls).map(ListenAddress::port).toList();
        return ports.contains(443) || ports.isEmpty() ? 443 : ports.get(0);
    }

    /** {@code onListener}: what the listener adds in front of each vhost it serves. */
    private HttpHandler root(Predicate<VirtualHost> bound, BiFunction<VirtualHost, VhostRoute, VhostRoute> onListener) {
        HostTable<VhostRoute> table = new HostTable<>();
        for (BuiltVhost built : vhosts) {
            if (bound.test(built.config())) {
                VhostRoute route = onListener.apply(built.config(), built.route());
                built.config().hosts().forEach(host -> table.put(host, route));
            }
        }
        // Client headers are cleaned before routing, so that a route's header rules and matches see what a backend
        // may see, and nothing the client nominates in Connection can remove what a route sets.
        HttpHandler handler = new RefusedRequests(new ClientHeaders(config.forwarded(), new HostRouter(table, everyHost)));
        if (registry != null) {
            handler = new RequestMetrics(registry, handler);
        }
        if (accessLog != null) {
            handler = accessLog.wrap(handler);
        }
        // Outermost, so that the access log and metrics see the resolved client address and request id.
        return new RequestOrigin(config.forwarded(), handler);
    }

    private AccessLog accessLogFrom(HandlerTree previous) {
        if (previous != null && previous.accessLog != null && previous.config.accessLog().equals(config.accessLog())) {
            return track(previous.accessLog.retain());
        }
        return track(AccessLog.open(config.accessLog(), registry, logs.accessLogSink(), logs.accessLogFailures()));
    }

    /**
     * This tree starts serving (at start, or when a reload commits): the backend gauges follow its proxies, the
     * certificate expiry gauges its certificates, and the owner's repeated warnings are summarised at its
     * {@code log.repeatInterval}.
     */
    void committed() {
        logs.interval(config.log().repeatInterval());
        trackBackendGauges();
        if (certificateGauges != null) {
            tls.values().stream().flatMap(listener -> listener.certificates().stream()).distinct()
                    .forEach(certificate -> track(certificateGauges.track(certificate)));
        }
    }

    /** The TLS of {@code listener}, or null when it is not one of this configuration's tls listeners. */
    ServerTls tls(ListenAddress listener) {
        return tls.get(listener);
    }

    /** The handler of a proxy, files or echo action; the other actions are the routes' own. */
    private HttpHandler actionHandler(Action action) {
        if (action instanceof ProxyConfig proxy) {
            // The root of every listener already cleaned the client's headers (see root()).
            return proxies.computeIfAbsent(proxy.poolKey(), key -> reverseProxy(proxy)).afterClientHeaders();
        }
        if (action instanceof FilesConfig files) {
            return FileServer.create(files, files.fastcgi().map(this::fastCgiProxy).orElse(null));
        }
        if (action instanceof EchoConfig) {
            return new EchoHandler();
        }
        throw new IllegalArgumentException("unknown action " + action.kind());
    }

    /** The FastCGI proxy of a files action, on its backends or on the php-cgi processes it spawns. */
    private ReverseProxy fastCgiProxy(FastCgiConfig fastcgi) {
        List<URI> servers = fastcgi.spawn().map(spawn -> spawned.computeIfAbsent(spawn, this::phpCgi).backends())
                .orElse(fastcgi.backends());
        ReverseProxy scripts = track(ReverseProxy.fastCgi(fastcgi, servers, config.limits(), logs.proxyFailures()));
        fastCgiProxies.add(scripts);
        return scripts;
    }

    /**
     * The processes of {@code spawn}: the previous tree's when it runs the same (a reload keeps them running, as it
     * keeps the access log), else started now.
     */
    private PhpCgiProcesses phpCgi(FastCgiConfig.Spawn spawn) {
        PhpCgiProcesses running = previous == null ? null : previous.spawned.get(spawn);
        return track(running != null ? running.retain() : PhpCgiProcesses.start(spawn, logs.proxyFailures()));
    }

    private ReverseProxy reverseProxy(ProxyConfig proxy) {
        return track(ReverseProxy.create(proxy, config.forwarded(), config.limits(), logs.proxyFailures()));
    }

    /**
     * Points the backend gauges at this tree's proxies. Done when the tree starts serving, never while it is only
     * built: a reload that fails must leave the gauges on the tree still serving.
     */
    private void trackBackendGauges() {
        if (backendGauges == null) {
            return;
        }
        List<ReverseProxy> gauged = new ArrayList<>(proxies.values());
        gauged.addAll(fastCgiProxies);
        for (ReverseProxy reverseProxy : gauged) {
            for (URI backend : reverseProxy.backends()) {
                track(backendGauges.track(backend, reverseProxy.gaugeSource(backend)));
            }
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                System.getLogger(HandlerTree.class.getName())
                        .log(System.Logger.Level.WARNING, "closing " + resource + " failed: " + e);
            }
        }
    }

    private record BuiltVhost(VirtualHost config, VhostRoute route) {
    }
}
