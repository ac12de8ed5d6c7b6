package io.gatehouse.config;

import io.gatehouse.internal.config.Binders;
import io.gatehouse.internal.config.Binders.Binder;
import io.gatehouse.internal.config.ConfigNode;
import io.gatehouse.internal.config.ConfigNode.Mapping;
import io.gatehouse.internal.config.ConfigNode.Scalar;
import io.gatehouse.internal.config.ConfigNode.Sequence;
import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.config.Problems;
import io.gatehouse.internal.tls.CertificatePair;
import io.gatehouse.internal.tls.CertificateProblem;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Binds a {@link ConfigNode} tree to {@link GatewayConfig} in one pass that applies the defaults and adds every
 * problem it meets to {@link Problems} (a value with a problem is replaced by its default so the walk goes on).
 * Used for YAML files and for {@link GatewayConfigBuilder} alike, so both accept and refuse exactly the same.
 * The key names, the keys each mapping takes (what an unknown key's message lists), and each value's binder and
 * default are {@link Keys}'; this reader supplies the defaults a key declares derived, and the checks across keys.
 * The result is only meaningful when no problem was added.
 *
 * <p>Hand-written rather than Jackson binding the records ({@code @JsonProperty} names): tried with Jackson 2.21,
 * binding stops at the first problem where this reader reports all of them; an unknown key is located after its
 * value, not at the key, and with a nested unknown key Jackson reports that one first, out of file order; a
 * compact constructor's refusal is located at the end of the mapping with the mapping's path, not the key's,
 * wrapped in "Cannot construct instance of"; and defaults that depend on other keys (a proxy's timeouts inherit
 * {@code timeouts}, {@code retries} the number of backends) need a pass after binding anyway. Keeping the messages
 * ({@code file:line:column: key.path: message}, every problem at once) would take more code around Jackson than
 * this reader is.
 */
final class ConfigReader {

    /**
     * A bound vhost with what the {@link CrossChecks} and {@link TlsChecks} need of it; {@code redirectAt} is where
     * {@code tls.redirect} is written (the vhost when it is not).
     */
    private record BoundVhost(VirtualHost vhost, CrossChecks.Claim claim, CrossChecks.Place redirectAt) {
    }

    private final Problems problems;
    private final Binders binders;

    /**
     * @param problems where problems go
     * @param baseDir  what relative paths are resolved against: the YAML file's directory, or for the builder
     *                 the current directory
     */
    ConfigReader(Problems problems, Path baseDir) {
        this.problems = problems;
        this.binders = new Binders(problems, baseDir);
    }

    GatewayConfig read(ConfigNode root, Optional<Path> source) {
        Fields top = fields(root, "", Keys.TOP);
        if (top == null) {
            return null;
        }
        List<ListenAddress> listen = top.value(Keys.LISTEN);

        ForwardedConfig forwarded = forwarded(top.section(Keys.TOP_FORWARDED));

        Timeouts timeouts = timeouts(top.section(Keys.TOP_TIMEOUTS));
        Limits limits = limits(top.section(Keys.TOP_LIMITS));

        Fields log = top.section(Keys.TOP_ACCESS_LOG);
        AccessLogConfig accessLog = new AccessLogConfig(log.value(Keys.ACCESS_LOG_PATH), log.value(Keys.ACCESS_LOG_FORMAT));
        LogConfig logConfig = new LogConfig(top.section(Keys.TOP_LOG).value(Keys.LOG_REPEAT_INTERVAL));
        Duration drain = top.section(Keys.TOP_SHUTDOWN).value(Keys.SHUTDOWN_DRAIN_TIMEOUT);

        List<BoundVhost> vhosts = top.required(Keys.VHOSTS, List.of(),
                binders.list((node, path) -> vhost(node, path, timeouts), "vhosts", true));
        ConfigNode.Entry listenEntry = top.entry(Keys.LISTEN);
        CrossChecks.refuseMixedFlags(vhosts.stream().map(BoundVhost::claim).toList(), listen,
                CrossChecks.Place.at(listenEntry == null ? root : listenEntry.value(), Keys.LISTEN.path()), problems);
        CrossChecks.refuseConflicts(vhosts.stream().map(BoundVhost::claim).toList(), listen, problems);
        AdminConfig admin = admin(top, vhosts, listen);
        Optional<Path> pidFile = Optional.ofNullable(top.value(Keys.PID_FILE));
        boolean watch = top.value(Keys.WATCH);
        TlsConfig tls = tls(top.section(Keys.TOP_TLS));
        TlsChecks.check(vhosts.stream().map(bound -> new TlsChecks.Claim(bound.vhost(), bound.claim().listenAt(),
                bound.redirectAt())).toList(), tls, listen, CrossChecks.Place.at(listenEntry == null ? root
                : listenEntry.value(), Keys.LISTEN.path()), problems);

        if (problems.count() > 0) {
            return null; // the placeholders that stand in for refused values need not make a valid config
        }
        return new GatewayConfig(listen, forwarded, timeouts, limits, accessLog,
                new ShutdownConfig(drain), vhosts.stream().map(BoundVhost::vhost).toList(), source, admin, pidFile, watch,
                logConfig, tls);
    }

    /**
     * A {@code proxy} mapping on its own ({@link ProxyConfigBuilder}): key paths start at {@code proxy}, and the
     * timeouts it does not give are the top-level defaults. Null when a problem was added.
     */
    ProxyConfig readProxy(ConfigNode node) {
        Fields f = fields(node, Keys.VHOST_PROXY.name(), Keys.PROXY);
        ProxyConfig proxy = f == null ? null : proxy(f, Timeouts.DEFAULTS);
        return problems.count() > 0 ? null : proxy;
    }

    private ForwardedConfig forwarded(Fields f) {
        return new ForwardedConfig(f.value(Keys.FORWARDED_TRUSTED), f.value(Keys.FORWARDED_EMIT), f.value(Keys.FORWARDED_REAL_IP_HEADER),
                f.value(Keys.FORWARDED_ECHO_REQUEST_ID), f.value(Keys.FORWARDED_STRIP), f.value(Keys.FORWARDED_UNDERSCORES));
    }

    private Timeouts timeouts(Fields t) {
        return new Timeouts(t.value(Keys.TIMEOUTS_CONNECT), t.value(Keys.TIMEOUTS_RESPONSE), t.value(Keys.TIMEOUTS_IDLE),
                t.value(Keys.TIMEOUTS_REQUEST_HEADER), t.value(Keys.TIMEOUTS_READ));
    }

    private Limits limits(Fields l) {
        return new Limits(l.value(Keys.LIMITS_MAX_BODY), l.value(Keys.LIMITS_MAX_HEADER_BYTES), l.value(Keys.LIMITS_MAX_HEADERS),
                l.value(Keys.LIMITS_MAX_URI_BYTES), l.value(Keys.LIMITS_ENCODED_SLASHES),
                new Limits.Http2(l.section(Keys.LIMITS_HTTP2).value(Keys.HTTP2_MAX_CONCURRENT_STREAMS)));
    }

    private BoundVhost vhost(ConfigNode node, String path, Timeouts timeouts) {
        Fields f = fields(node, path, Keys.VHOST);
        if (f == null) {
            return null;
        }
        int problemsBefore = problems.count();
        List<String> hosts = f.required(Keys.VHOST_HOSTS, List.of());
        List<ListenAddress> listen = f.value(Keys.VHOST_LISTEN, List.of());
        // Without a problem every host was bound, the i-th from the i-th item written; with one, they may be
        // placeholders, which the cross-checks leave out.
        Map<String, CrossChecks.Place> hostsAt = new LinkedHashMap<>();
        List<Route.Origin> hostOrigins = new ArrayList<>();
        if (problems.count() == problemsBefore) {
            List<ConfigNode> written = ((Sequence) f.entry(Keys.VHOST_HOSTS).value()).items();
            for (int i = 0; i < hosts.size(); i++) {
                CrossChecks.Place at = CrossChecks.Place.at(written.get(i), f.pathOf(Keys.VHOST_HOSTS) + "[" + i + "]");
                hostsAt.put(hosts.get(i), at);
                hostOrigins.add(new Route.Origin(problems.file(), at.line(), at.column(), at.keyPath()));
            }
        }
        String name = f.value(Keys.VHOST_NAME, hosts.isEmpty() ? "" : hosts.get(0));

        List<Route> routes;
        if (f.has(Keys.VHOST_ROUTES)) {
            refuseShorthandBesideRoutes(f);
            routes = f.mappings(Keys.VHOST_ROUTES, List.of(),
                    binders.list((routeNode, routePath) -> route(routeNode, routePath, timeouts), "routes", true));
        } else {
            Action action = oneAction(f, node, path, Keys.VHOST_ACTIONS, "a vhost", "a vhost needs routes or exactly one action: proxy, files or echo",
                    timeouts);
            routes = action == null ? List.of() : List.of(Route.catchAll(action));
        }
        Fields tlsFields = f.section(Keys.VHOST_TLS_GROUP);
        VhostTls tls = f.has(Keys.VHOST_TLS_GROUP) ? vhostTls(tlsFields) : VhostTls.NONE;
        // Without hosts or routes a problem was added above, so these placeholders never reach a caller.
        VirtualHost vhost = new VirtualHost(name, hosts.isEmpty() ? List.of("*") : hosts, listen,
                routes.isEmpty() ? List.of(Route.catchAll(new EchoConfig())) : routes, tls, hostOrigins);
        ConfigNode.Entry listenEntry = f.entry(Keys.VHOST_LISTEN);
        ConfigNode.Entry redirectEntry = tlsFields.entry(Keys.VHOST_TLS_REDIRECT);
        return new BoundVhost(vhost, new CrossChecks.Claim(vhost.name(), path, hostsAt, vhost.listen(),
                CrossChecks.Place.at(listenEntry == null ? node : listenEntry.value(), f.pathOf(Keys.VHOST_LISTEN))),
                CrossChecks.Place.at(redirectEntry == null ? node : redirectEntry.value(), tlsFields.pathOf(Keys.VHOST_TLS_REDIRECT)));
    }

    /**
     * The one action of {@code kinds} present in {@code f}, read (a proxy's timeouts default to {@code timeouts}); a
     * problem when there is none ({@code missing}) or more than one. Null when there is none.
     */
    private Action oneAction(Fields f, ConfigNode node, String path, List<Keys.Key<Void>> kinds, String holder, String missing,
                             Timeouts timeouts) {
        List<Keys.Key<Void>> present = f.mapping.entries().stream()
                .flatMap(entry -> kinds.stream().filter(kind -> kind.name().equals(entry.key()))).toList();
        if (present.isEmpty()) {
            problems.add(node, path, missing);
        }
        Action action = null;
        for (Keys.Key<Void> kind : present) {
            if (action != null) {
                ConfigNode.Entry extra = f.entry(kind);
                problems.add(extra.line(), extra.column(), f.pathOf(kind), holder + " takes exactly one action of "
                        + String.join(", ", names(kinds)) + "; this one already has '" + present.get(0).name() + "'");
            }
            Action bound = action(f.section(kind), timeouts);
            action = action == null ? bound : action;
        }
        return action;
    }

    /** The action whose keys {@code a} holds: which one is told by the section they were read as. */
    private Action action(Fields a, Timeouts timeouts) {
        Keys.Section kind = a.section;
        if (kind == Keys.PROXY || kind == Keys.ROUTE_PROXY) {
            return proxy(a, timeouts);
        }
        if (kind == Keys.FILES) {
            return files(a, timeouts);
        }
        if (kind == Keys.REDIRECT) {
            return redirect(a);
        }
        if (kind == Keys.RESPOND) {
            return respond(a);
        }
        if (kind == Keys.REWRITE) {
            return rewrite(a);
        }
        return new EchoConfig(); // echo takes no keys: reading its section reported any
    }

    private static List<String> names(List<Keys.Key<Void>> keys) {
        return keys.stream().map(Keys.Key::name).toList();
    }

    private ProxyConfig proxy(Fields p, Timeouts timeouts) {
        List<URI> bound = p.required(Keys.PROXY_BACKENDS, List.of());
        // Without backends a problem was added above, so this placeholder never reaches a caller.
        List<URI> backends = bound.isEmpty() ? List.of(URI.create("http://backend.invalid:80")) : bound;
        Fields t = p.section(Keys.PROXY_TIMEOUTS_GROUP);
        return new ProxyConfig(backends, p.value(Keys.PROXY_PRESERVE_HOST),
                t.value(Keys.PROXY_TIMEOUTS_CONNECT, timeouts.connect()), t.value(Keys.PROXY_TIMEOUTS_RESPONSE, timeouts.response()),
                p.value(Keys.PROXY_CONNECTIONS), p.value(Keys.PROXY_QUEUE), p.value(Keys.PROXY_BALANCE),
                health(p.section(Keys.PROXY_HEALTH)),
                p.value(Keys.PROXY_RETRIES, ProxyConfig.defaultRetries(backends.size())),
                t.value(Keys.PROXY_TIMEOUTS_IDLE), p.value(Keys.PROXY_MAX_CONNECTIONS), backendTls(p.section(Keys.PROXY_TLS)),
                t.value(Keys.PROXY_TIMEOUTS_READ, timeouts.read()));
    }

    /** {@code proxy.tls}: a {@code ca} file (checked by its binder) or no verification, not both. */
    private ProxyConfig.Tls backendTls(Fields t) {
        Optional<Path> ca = Optional.ofNullable(t.value(Keys.BACKEND_TLS_CA));
        boolean insecureSkipVerify = t.value(Keys.BACKEND_TLS_INSECURE_SKIP_VERIFY);
        if (ca.isPresent() && insecureSkipVerify) {
            ConfigNode.Entry entry = t.entry(Keys.BACKEND_TLS_INSECURE_SKIP_VERIFY);
            problems.add(entry.line(), entry.column(), t.pathOf(Keys.BACKEND_TLS_INSECURE_SKIP_VERIFY), ProxyConfig.Tls.BOTH_GIVEN);
            return ProxyConfig.Tls.DEFAULTS;
        }
        return new ProxyConfig.Tls(ca, insecureSkipVerify);
    }

    /** {@code proxy.health}: passive limits always; the active check only when {@code path} is given. */
    private ProxyConfig.Health health(Fields h) {
        int failures = h.value(Keys.HEALTH_FAILURES);
        Duration coolOff = h.value(Keys.HEALTH_COOL_OFF);
        Duration interval = h.value(Keys.HEALTH_INTERVAL);
        int expect = h.value(Keys.HEALTH_EXPECT);
        Optional<ProxyConfig.Check> check = Optional.ofNullable(h.value(Keys.HEALTH_PATH))
                .map(path -> new ProxyConfig.Check(path, interval, expect));
        if (check.isEmpty() && (h.has(Keys.HEALTH_INTERVAL) || h.has(Keys.HEALTH_EXPECT))) {
            problems.add(h.mapping, h.path, "interval and expect configure the active check; give its path too, like path: /healthz");
        }
        return new ProxyConfig.Health(failures, coolOff, check);
    }

    private FilesConfig files(Fields f, Timeouts timeouts) {
        String root = f.required(Keys.FILES_ROOT, "");
        return new FilesConfig(root, Optional.ofNullable(f.value(Keys.FILES_FALLBACK_ROOT)), f.value(Keys.FILES_INDEX),
                f.value(Keys.FILES_DENY), f.value(Keys.FILES_STATIC_EXCLUDE), f.value(Keys.FILES_LISTING),
                f.value(Keys.FILES_NO_RANGES), f.value(Keys.FILES_MIME_TYPES),
                f.value(Keys.FILES_PRECOMPRESSED), gzip(f.section(Keys.FILES_GZIP)), cache(f.section(Keys.FILES_CACHE)),
                f.value(Keys.FILES_DOTFILES), f.value(Keys.FILES_ERROR_PAGES), f.value(Keys.FILES_SYMLINKS),
                f.has(Keys.FILES_FASTCGI) ? Optional.of(fastCgi(f.section(Keys.FILES_FASTCGI), timeouts)) : Optional.empty());
    }

    private FastCgiConfig fastCgi(Fields c, Timeouts timeouts) {
        List<URI> backends = c.value(Keys.FASTCGI_BACKENDS);
        Optional<FastCgiConfig.Spawn> spawn = c.has(Keys.FASTCGI_SPAWN)
                ? Optional.of(spawn(c.section(Keys.FASTCGI_SPAWN))) : Optional.empty();
        if (backends.isEmpty() == spawn.isEmpty()) {
            ConfigNode.Entry entry = c.has(Keys.FASTCGI_SPAWN) ? c.entry(Keys.FASTCGI_SPAWN) : null;
            String what = "give either backends, like [\"127.0.0.1:9000\"], or spawn, like {command: /usr/bin/php-cgi}";
            if (entry == null && !c.has(Keys.FASTCGI_BACKENDS)) {
                problems.add(c.mapping, c.pathOf(Keys.FASTCGI_BACKENDS), "missing; " + what);
            } else if (entry != null) {
                problems.add(entry.line(), entry.column(), c.pathOf(Keys.FASTCGI_SPAWN), what + ", not both");
            }
            // A problem was added (here, or for each refused item of backends), so this placeholder never reaches a
            // caller.
            backends = List.of(URI.create("fcgi://backend.invalid:9000"));
            spawn = Optional.empty();
        }
        List<String> extensions = c.value(Keys.FASTCGI_EXTENSIONS);
        Optional<String> frontController = Optional.ofNullable(c.value(Keys.FASTCGI_FRONT_CONTROLLER));
        if (frontController.isPresent() && extensions.stream().noneMatch(frontController.get()::endsWith)) {
            ConfigNode.Entry entry = c.entry(Keys.FASTCGI_FRONT_CONTROLLER);
            problems.add(entry.line(), entry.column(), c.pathOf(Keys.FASTCGI_FRONT_CONTROLLER), "'"
                    + frontController.get() + "' would not run: give a script ending in one of extensions " + extensions
                    + ", like /index.php");
            frontController = Optional.empty();
        }
        int maxConnections = c.value(Keys.FASTCGI_MAX_CONNECTIONS, FastCgiConfig.defaultMaxConnections(spawn));
        if (spawn.isPresent() && maxConnections > spawn.get().workers()) {
            ConfigNode.Entry entry = c.entry(Keys.FASTCGI_MAX_CONNECTIONS);
            problems.add(entry.line(), entry.column(), c.pathOf(Keys.FASTCGI_MAX_CONNECTIONS), maxConnections
                    + " would queue requests in the listen backlog of a spawned process; give 1 to "
                    + spawn.get().workers() + " (its children), or 0 for no cap");
            maxConnections = spawn.get().workers();
        }
        int keepAlive = c.value(Keys.FASTCGI_KEEP_ALIVE, maxConnections);
        int maxKeepAlive = FastCgiConfig.maxKeepAlive(spawn, maxConnections);
        if (keepAlive > maxKeepAlive) {
            ConfigNode.Entry entry = c.entry(Keys.FASTCGI_KEEP_ALIVE);
            problems.add(entry.line(), entry.column(), c.pathOf(Keys.FASTCGI_KEEP_ALIVE), keepAlive + (maxConnections > 0
                    ? " is more than maxConnections; give 0 to " + maxKeepAlive
                    : " would keep every worker of a spawned process on an idle connection; give 0 to " + maxKeepAlive
                    + " (its children - 1), or cap maxConnections"));
            keepAlive = 0;
        }
        Fields t = c.section(Keys.FASTCGI_TIMEOUTS_GROUP);
        return new FastCgiConfig(backends, extensions,
                t.value(Keys.FASTCGI_TIMEOUTS_CONNECT, timeouts.connect()),
                t.value(Keys.FASTCGI_TIMEOUTS_RESPONSE, timeouts.response()), spawn, frontController, keepAlive,
                maxConnections, t.value(Keys.FASTCGI_TIMEOUTS_READ, timeouts.read()));
    }

    private FastCgiConfig.Spawn spawn(Fields s) {
        return new FastCgiConfig.Spawn(s.value(Keys.SPAWN_COMMAND), s.value(Keys.SPAWN_PROCESSES),
                s.value(Keys.SPAWN_CHILDREN), s.value(Keys.SPAWN_MAX_REQUESTS));
    }

    private FilesConfig.Gzip gzip(Fields g) {
        return new FilesConfig.Gzip(g.value(Keys.GZIP_ENABLED), g.value(Keys.GZIP_MIN_SIZE), g.value(Keys.GZIP_TYPES));
    }

    private FilesConfig.Cache cache(Fields c) {
        return new FilesConfig.Cache(Optional.ofNullable(c.value(Keys.CACHE_MAX_AGE)), c.value(Keys.CACHE_IMMUTABLE));
    }

    // --- TLS -----------------------------------------------------------------------------------------------

    private TlsConfig tls(Fields t) {
        List<CertificateFiles> certificates = t.mappings(Keys.TLS_CERTIFICATES, List.of(), binders.list(this::certificate,
                "certificates like {cert: fullchain.pem, key: privkey.pem}", false));
        // A list whose every item was refused is empty: a problem was added, and the defaults stand in for it.
        List<String> protocols = t.value(Keys.TLS_PROTOCOLS);
        List<String> ciphers = t.value(Keys.TLS_CIPHERS);
        return new TlsConfig(certificates, protocols.isEmpty() ? TlsConfig.DEFAULT_PROTOCOLS : protocols,
                ciphers.isEmpty() ? TlsConfig.DEFAULT_CIPHERS : ciphers);
    }

    private VhostTls vhostTls(Fields t) {
        ConfigNode.Entry pin = t.entry(Keys.VHOST_TLS_CERTIFICATE);
        return new VhostTls(pin == null ? Optional.empty() : Optional.ofNullable(certificate(pin.value(),
                t.pathOf(Keys.VHOST_TLS_CERTIFICATE))), t.value(Keys.VHOST_TLS_REDIRECT),
                Optional.ofNullable(t.value(Keys.VHOST_TLS_HSTS)));
    }

    /**
     * One {@code {cert, key}} mapping, its files read and checked now (a problem is placed at the key of the file at
     * fault); null when a key is missing or refused.
     */
    private CertificateFiles certificate(ConfigNode node, String path) {
        Fields c = fields(node, path, Keys.CERTIFICATE);
        if (c == null) {
            return null;
        }
        Path cert = c.required(Keys.CERTIFICATE_CERT, null);
        Path key = c.required(Keys.CERTIFICATE_KEY, null);
        if (cert == null || key == null) {
            return null;
        }
        ConfigNode.Entry certAt = c.entry(Keys.CERTIFICATE_CERT);
        CertificateFiles files = new CertificateFiles(cert, key, new Route.Origin(problems.file(), certAt.line(),
                certAt.column(), c.pathOf(Keys.CERTIFICATE_CERT)));
        try {
            CertificatePair.read(files, Instant.now());
        } catch (CertificateProblem e) {
            Keys.Key<Path> at = e.inKeyFile() ? Keys.CERTIFICATE_KEY : Keys.CERTIFICATE_CERT;
            ConfigNode.Entry entry = c.entry(at);
            problems.add(entry.line(), entry.column(), c.pathOf(at), e.getMessage());
        }
        return files;
    }

    // --- routes ---------------------------------------------------------------------------------------------

    private void refuseShorthandBesideRoutes(Fields f) {
        for (Keys.Key<Void> kind : Keys.VHOST_ACTIONS) {
            ConfigNode.Entry entry = f.entry(kind);
            if (entry != null) {
                problems.add(entry.line(), entry.column(), f.pathOf(kind), "a vhost has either routes or one action, not both; "
                        + "make this '" + kind.name() + "' the last route (a route without conditions takes every request)");
            }
        }
    }

    private Route route(ConfigNode node, String path, Timeouts timeouts) {
        Fields f = fields(node, path, Keys.ROUTE);
        if (f == null) {
            return null;
        }
        Optional<String> prefix = Optional.ofNullable(f.value(Keys.ROUTE_PATH));
        Optional<Regex> match = Optional.ofNullable(f.value(Keys.ROUTE_MATCH));
        List<String> methods = f.value(Keys.ROUTE_METHODS);
        Optional<HeaderCondition> header = f.has(Keys.ROUTE_HEADER) ? Optional.of(headerCondition(f.section(Keys.ROUTE_HEADER)))
                : Optional.empty();
        Action action = oneAction(f, node, path, Keys.ROUTE_ACTIONS, "a route",
                "a route needs exactly one action: " + String.join(", ", names(Keys.ROUTE_ACTIONS)), timeouts);
        ProxyPath proxyPath = action instanceof ProxyConfig ? proxyPath(f, prefix.isPresent()) : ProxyPath.UNCHANGED;
        HeaderRules headers = f.has(Keys.ROUTE_HEADERS) ? headerRules(f.section(Keys.ROUTE_HEADERS)) : HeaderRules.NONE;
        Route route = new Route(prefix, match, methods, header, action == null ? new EchoConfig() : action, proxyPath, headers,
                new Route.Origin(problems.file(), node.line(), node.column(), path));
        CrossChecks.refuseMissingGroups(route, CrossChecks.Place.at(node, path), problems);
        return route;
    }

    private HeaderCondition headerCondition(Fields h) {
        return new HeaderCondition(h.required(Keys.HEADER_NAME, "X-Missing"), Optional.ofNullable(h.value(Keys.HEADER_MATCHES)));
    }

    private RedirectConfig redirect(Fields r) {
        return new RedirectConfig(r.required(Keys.REDIRECT_TO, Template.parse("/", Template.Use.TARGET)), r.value(Keys.REDIRECT_STATUS));
    }

    private RespondConfig respond(Fields r) {
        int status = r.required(Keys.RESPOND_STATUS, 200);
        Optional<String> body = Optional.ofNullable(r.value(Keys.RESPOND_BODY));
        if (body.isPresent() && (status == 204 || status == 304)) {
            ConfigNode.Entry entry = r.entry(Keys.RESPOND_BODY);
            problems.add(entry.line(), entry.column(), r.pathOf(Keys.RESPOND_BODY), "a " + status + " response has no body");
            body = Optional.empty();
        }
        return new RespondConfig(status, body, r.value(Keys.RESPOND_HEADERS));
    }

    private RewriteConfig rewrite(Fields r) {
        return new RewriteConfig(r.required(Keys.REWRITE_TO, Template.parse("/", Template.Use.PATH)));
    }

    /** {@code proxy.path} and {@code proxy.stripPrefix} of a route; the other proxy keys are read by {@link #proxy}. */
    private ProxyPath proxyPath(Fields route, boolean hasPrefix) {
        if (!(route.entry(Keys.ROUTE_PROXY_ACTION).value() instanceof Mapping mapping)) {
            return ProxyPath.UNCHANGED;
        }
        Fields p = new Fields(mapping, route.pathOf(Keys.ROUTE_PROXY_ACTION), Keys.ROUTE_PROXY, binders);
        Optional<Template> template = Optional.ofNullable(p.value(Keys.ROUTE_PROXY_PATH));
        boolean strip = p.value(Keys.ROUTE_PROXY_STRIP_PREFIX);
        ConfigNode.Entry stripEntry = p.entry(Keys.ROUTE_PROXY_STRIP_PREFIX);
        if (strip && !hasPrefix) {
            problems.add(stripEntry.line(), stripEntry.column(), p.pathOf(Keys.ROUTE_PROXY_STRIP_PREFIX),
                    "stripPrefix removes the route's path prefix, and this route has no 'path'; with 'match', give proxy.path like '/$1'");
        } else if (strip && template.isPresent()) {
            problems.add(stripEntry.line(), stripEntry.column(), p.pathOf(Keys.ROUTE_PROXY_STRIP_PREFIX), "give either path or stripPrefix, not both");
        }
        return new ProxyPath(template, strip);
    }

    private HeaderRules headerRules(Fields h) {
        return new HeaderRules(headerOperations(h.section(Keys.HEADERS_REQUEST).readWith(binders.forRequestHeaders())),
                headerOperations(h.section(Keys.HEADERS_RESPONSE)));
    }

    private HeaderRules.Operations headerOperations(Fields o) {
        return new HeaderRules.Operations(o.value(Keys.HEADERS_SET), o.value(Keys.HEADERS_ADD), o.value(Keys.HEADERS_REMOVE));
    }

    /**
     * {@code admin}: off when absent; {@code admin: {}} is {@link AdminConfig#DEFAULT_LISTEN}; a bare port is on
     * 127.0.0.1; {@code hosts} are host patterns as a vhost's. An address a public listener also binds is refused.
     */
    private AdminConfig admin(Fields top, List<BoundVhost> vhosts, List<ListenAddress> defaultListen) {
        if (!top.has(Keys.TOP_ADMIN)) {
            return AdminConfig.OFF;
        }
        Fields admin = top.section(Keys.TOP_ADMIN);
        ListenAddress listen = admin.value(Keys.ADMIN_LISTEN);
        List<String> hosts = admin.value(Keys.ADMIN_HOSTS);
        ConfigNode.Entry entry = admin.entry(Keys.ADMIN_LISTEN);
        CrossChecks.refuseSharedAdmin(listen, CrossChecks.Place.at(entry == null ? admin.mapping : entry.value(),
                admin.pathOf(Keys.ADMIN_LISTEN)), vhosts.stream().map(BoundVhost::claim).toList(), defaultListen, problems);
        return new AdminConfig(Optional.of(listen), hosts);
    }

    // --- reading values -------------------------------------------------------------------------------------

    /** The mapping at {@code node} with unknown keys reported; an empty value ({@code echo:}) is an empty mapping. */
    private Fields fields(ConfigNode node, String path, Keys.Section section) {
        if (node instanceof Scalar s && (s.value() == null || s.text().isEmpty())) {
            return new Fields(new Mapping(List.of(), node.line(), node.column()), path, section, binders);
        }
        List<String> keys = section.names();
        if (!(node instanceof Mapping mapping)) {
            String what = path.isEmpty() ? "the configuration must be a mapping of settings" : "expected a mapping";
            String valid = keys.isEmpty() ? " ({})" : " (keys: " + String.join(", ", keys) + ")";
            return binders.fail(node, path, what + valid + ", got " + node.describe());
        }
        for (ConfigNode.Entry entry : mapping.entries()) {
            if (!keys.contains(entry.key())) {
                problems.add(entry.line(), entry.column(), join(path, entry.key()), unknownKey(entry.key(), keys));
            }
        }
        return new Fields(mapping, path, section, binders);
    }

    static String unknownKey(String key, List<String> valid) {
        if (valid.isEmpty()) {
            return "unknown key '" + key + "'; this mapping takes no keys ({})";
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : valid) {
            int distance = editDistance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int tolerated = key.length() <= 4 ? 1 : key.length() <= 8 ? 2 : 3;
        return bestDistance <= tolerated
                ? "unknown key '" + key + "'; did you mean '" + best + "'?"
                : "unknown key '" + key + "'; valid keys here: " + String.join(", ", valid);
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** One mapping of the tree, its key path, the section of the table it is read as, and the binders it is read with. */
    private final class Fields {
        final Mapping mapping;
        final String path;
        final Keys.Section section;
        final Binders binders;

        Fields(Mapping mapping, String path, Keys.Section section, Binders binders) {
            this.mapping = mapping;
            this.path = path;
            this.section = section;
            this.binders = binders;
        }

        /** This mapping read with other binders. */
        Fields readWith(Binders other) {
            return new Fields(mapping, path, section, other);
        }

        ConfigNode.Entry entry(Keys.Key<?> key) {
            return mapping.entry(key.name());
        }

        boolean has(Keys.Key<?> key) {
            return entry(key) != null;
        }

        String pathOf(Keys.Key<?> key) {
            return join(path, key.name());
        }

        /** {@code key}'s value as its type binds it; its default (null for none) when absent or refused. */
        <T> T value(Keys.Key<T> key) {
            Keys.Default.Kind kind = key.byDefault().kind();
            if (kind != Keys.Default.Kind.VALUE && kind != Keys.Default.Kind.NONE) {
                throw new IllegalStateException(key.path() + ": its default is " + kind);
            }
            return read(key, key.byDefault().value(), key.type().apply(binders));
        }

        /** {@code key}'s value; when absent or refused {@code derived}, the default its declaration names. */
        <T> T value(Keys.Key<T> key, T derived) {
            if (key.byDefault().kind() != Keys.Default.Kind.DERIVED) {
                throw new IllegalStateException(key.path() + ": its default is " + key.byDefault().kind());
            }
            return read(key, derived, key.type().apply(binders));
        }

        /** A required key's value; when missing (a problem, with its declaration's hint) or refused, {@code placeholder}. */
        <T> T required(Keys.Key<T> key, T placeholder) {
            return required(key, placeholder, key.type().apply(binders));
        }

        /** Like {@link #required(Keys.Key, Object)}, for a key whose value is mappings that {@code binder} reads. */
        <T> T required(Keys.Key<?> key, T placeholder, Binder<T> binder) {
            if (key.byDefault().kind() != Keys.Default.Kind.REQUIRED) {
                throw new IllegalStateException(key.path() + ": its default is " + key.byDefault().kind());
            }
            if (!has(key)) {
                problems.add(mapping, pathOf(key), "missing; " + key.byDefault().rule());
                return placeholder;
            }
            return read(key, placeholder, binder);
        }

        /** An optional key whose value is mappings that {@code binder} reads ({@code routes}); {@code fallback} when absent. */
        <T> T mappings(Keys.Key<Void> key, T fallback, Binder<T> binder) {
            return read(key, fallback, binder);
        }

        private <T> T read(Keys.Key<?> key, T fallback, Binder<T> binder) {
            ConfigNode.Entry entry = entry(key);
            T value = entry == null ? null : binder.bind(entry.value(), pathOf(key));
            return value == null ? fallback : value;
        }

        /** The nested mapping at {@code key}; an empty one when it is absent or not a mapping (reported). */
        Fields section(Keys.Key<Void> key) {
            ConfigNode.Entry entry = entry(key);
            Fields nested = entry == null ? null : fields(entry.value(), pathOf(key), key.opens());
            return nested != null ? nested
                    : new Fields(new Mapping(List.of(), mapping.line(), mapping.column()), pathOf(key), key.opens(), binders);
        }
    }
}
