package io.gatehouse.config;

import io.gatehouse.internal.config.ConfigNode;
import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.config.Problems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fluent construction of a {@link GatewayConfig}, with the YAML loader's keys, defaults and validation:
 *
 * <pre>{@code
 * GatewayConfig config = GatewayConfig.builder()
 *         .listen("127.0.0.1:8080")
 *         .trust("127.0.0.1/32")
 *         .vhost(v -> v.hosts("example.com", "www.example.com")
 *                 .proxy(p -> p.backend("http://127.0.0.1:8081").preserveHost(true)))
 *         .vhost(v -> v.hosts("*").files(f -> f.root("/var/www/%0").index("index.html").deny("~", ".inc")))
 *         .vhost(v -> v.hosts("*").listen("127.0.0.1:9000").echo())
 *         .build();
 * }</pre>
 *
 * Each method sets the YAML key named on it (its {@link Keys} constant); methods for list keys add to the list (so
 * {@code backend} may be called once per backend), and a key never set gets its default. {@link #build()} validates the whole config
 * exactly as a YAML file is validated (the builder produces the same tree the YAML parser does) and throws a
 * {@link ConfigException} whose problems have the YAML key paths ({@code vhosts[1].proxy.backends[0]}) and
 * line and column 0. Relative paths are taken from the current directory.
 */
public final class GatewayConfigBuilder {

    private final Values root = new Values();

    GatewayConfigBuilder() {
    }

    /** {@code listen}: default listeners, {@code "host:port"}, {@code ":port"} or {@code "[v6]:port"}. */
    public GatewayConfigBuilder listen(String... addresses) {
        root.add(Keys.LISTEN, addresses);
        return this;
    }

    /** {@code forwarded.trusted}: peers (CIDR, or a bare IP) whose X-Forwarded-* headers are believed. */
    public GatewayConfigBuilder trust(String... networks) {
        root.section(Keys.TOP_FORWARDED).add(Keys.FORWARDED_TRUSTED, networks);
        return this;
    }

    /** {@code forwarded.emit}: header families sent to backends, {@code x-forwarded} and/or {@code rfc7239}. */
    public GatewayConfigBuilder emit(String... families) {
        root.section(Keys.TOP_FORWARDED).add(Keys.FORWARDED_EMIT, families);
        return this;
    }

    /** {@code forwarded.realIpHeader}: send the resolved client IP as X-Real-IP; default false. */
    public GatewayConfigBuilder realIpHeader(boolean send) {
        root.section(Keys.TOP_FORWARDED).put(Keys.FORWARDED_REAL_IP_HEADER, send);
        return this;
    }

    /** {@code forwarded.echoRequestId}: return X-Request-Id to the client; default false. */
    public GatewayConfigBuilder echoRequestId(boolean echo) {
        root.section(Keys.TOP_FORWARDED).put(Keys.FORWARDED_ECHO_REQUEST_ID, echo);
        return this;
    }

    /** {@code forwarded.strip}: more request headers to strip from peers outside {@code forwarded.trusted}. */
    public GatewayConfigBuilder stripFromUntrusted(String... names) {
        root.section(Keys.TOP_FORWARDED).add(Keys.FORWARDED_STRIP, names);
        return this;
    }

    /** {@code forwarded.underscoresInHeaders}: {@code drop} (the default) or {@code keep}. */
    public GatewayConfigBuilder underscoresInHeaders(String policy) {
        root.section(Keys.TOP_FORWARDED).put(Keys.FORWARDED_UNDERSCORES, policy);
        return this;
    }

    /** {@code forwarded.underscoresInHeaders}, as the constant. */
    public GatewayConfigBuilder underscoresInHeaders(ForwardedConfig.Underscores policy) {
        root.section(Keys.TOP_FORWARDED).put(Keys.FORWARDED_UNDERSCORES, policy);
        return this;
    }

    /** {@code timeouts.connect}. */
    public GatewayConfigBuilder connectTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_CONNECT, timeout);
        return this;
    }

    /** {@code timeouts.response}. */
    public GatewayConfigBuilder responseTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_RESPONSE, timeout);
        return this;
    }

    /** {@code timeouts.idle}. */
    public GatewayConfigBuilder idleTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_IDLE, timeout);
        return this;
    }

    /** {@code limits.maxBody}, in bytes. */
    public GatewayConfigBuilder maxBody(long bytes) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_MAX_BODY, bytes);
        return this;
    }

    /** {@code limits.maxHeaderBytes}, 1024 up to {@code Integer.MAX_VALUE}. */
    public GatewayConfigBuilder maxHeaderBytes(long bytes) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_MAX_HEADER_BYTES, bytes);
        return this;
    }

    /** {@code timeouts.requestHeader}. */
    public GatewayConfigBuilder requestHeaderTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_REQUEST_HEADER, timeout);
        return this;
    }

    /** {@code limits.maxHeaders}: header fields per request, 1 to 100000. */
    public GatewayConfigBuilder maxHeaders(int count) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_MAX_HEADERS, (long) count);
        return this;
    }

    /** {@code limits.maxUriBytes}: request target length, 256 bytes up to {@code Integer.MAX_VALUE}. */
    public GatewayConfigBuilder maxUriBytes(long bytes) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_MAX_URI_BYTES, bytes);
        return this;
    }

    /** {@code limits.encodedSlashes}: what routes make of {@code %2F} in a path. */
    public GatewayConfigBuilder encodedSlashes(Limits.EncodedSlashes mode) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_ENCODED_SLASHES, mode);
        return this;
    }

    /** {@code accessLog}: {@code "-"} (stdout), {@code "off"}, or a file, and its format. */
    public GatewayConfigBuilder accessLog(String path, AccessLogConfig.Format format) {
        root.section(Keys.TOP_ACCESS_LOG).put(Keys.ACCESS_LOG_PATH, path).put(Keys.ACCESS_LOG_FORMAT, format);
        return this;
    }

    /** {@code log.repeatInterval}: how often a repeating warning is summarised; zero logs each one. */
    public GatewayConfigBuilder logRepeatInterval(Duration interval) {
        root.section(Keys.TOP_LOG).put(Keys.LOG_REPEAT_INTERVAL, interval);
        return this;
    }

    /** {@code shutdown.drainTimeout}. */
    public GatewayConfigBuilder drainTimeout(Duration timeout) {
        root.section(Keys.TOP_SHUTDOWN).put(Keys.SHUTDOWN_DRAIN_TIMEOUT, timeout);
        return this;
    }

    /**
     * {@code admin.listen}: turns the daemon's admin listener on at {@code address} ({@code "127.0.0.1:9901"}; a bare
     * {@code ":port"} is loopback).
     */
    public GatewayConfigBuilder admin(String address) {
        root.section(Keys.TOP_ADMIN).put(Keys.ADMIN_LISTEN, address);
        return this;
    }

    /** {@code pidFile}: where the daemon writes its process id (relative: from the current directory). */
    public GatewayConfigBuilder pidFile(String path) {
        root.put(Keys.PID_FILE, path);
        return this;
    }

    /** {@code watch}: whether the daemon reloads when its configuration file changes. */
    public GatewayConfigBuilder watch(boolean watch) {
        root.put(Keys.WATCH, watch);
        return this;
    }

    /** Adds an entry to {@code vhosts}. */
    public GatewayConfigBuilder vhost(Consumer<VirtualHostBuilder> definition) {
        VirtualHostBuilder vhost = new VirtualHostBuilder();
        definition.accept(vhost);
        root.list(Keys.VHOSTS).add(vhost.keys);
        return this;
    }

    /** @throws ConfigException with every problem, as {@link GatewayConfig#load} would report them */
    public GatewayConfig build() throws ConfigException {
        Problems problems = new Problems(Optional.empty());
        GatewayConfig config = new ConfigReader(problems, Path.of("")).read(ConfigNode.of(root.tree()), Optional.empty());
        problems.throwIfAny();
        return config;
    }

    /** One entry of {@code vhosts}; give {@code hosts} and exactly one of proxy, files, echo, or routes. */
    public static final class VirtualHostBuilder {
        private final Values keys = new Values();

        VirtualHostBuilder() {
        }

        /** {@code name}: a label for logs and metrics; default the first host. */
        public VirtualHostBuilder name(String name) {
            keys.put(Keys.VHOST_NAME, name);
            return this;
        }

        /** {@code hosts}: exact names, {@code *.suffix} wildcards, or {@code *}. */
        public VirtualHostBuilder hosts(String... hosts) {
            keys.add(Keys.VHOST_HOSTS, hosts);
            return this;
        }

        /** {@code listen}: this vhost's own listeners instead of the default ones. */
        public VirtualHostBuilder listen(String... addresses) {
            keys.add(Keys.VHOST_LISTEN, addresses);
            return this;
        }

        /** {@code proxy}: forward requests to backends. */
        public VirtualHostBuilder proxy(Consumer<ProxyBuilder> definition) {
            ProxyBuilder proxy = new ProxyBuilder();
            definition.accept(proxy);
            keys.put(Keys.VHOST_PROXY, proxy.keys);
            return this;
        }

        /** {@code files}: serve a document root. */
        public VirtualHostBuilder files(Consumer<FilesBuilder> definition) {
            FilesBuilder files = new FilesBuilder();
            definition.accept(files);
            keys.put(Keys.VHOST_FILES, files.keys);
            return this;
        }

        /** {@code echo: {}}: answer with the request as received. */
        public VirtualHostBuilder echo() {
            keys.section(Keys.VHOST_ECHO);
            return this;
        }

        /** Adds an entry to {@code routes}; a vhost has routes or one action, not both. */
        public VirtualHostBuilder route(Consumer<RouteBuilder> definition) {
            RouteBuilder route = new RouteBuilder();
            definition.accept(route);
            keys.list(Keys.VHOST_ROUTES).add(route.keys);
            return this;
        }
    }

    /** One entry of a vhost's {@code routes}: conditions (none: every request), exactly one action, header changes. */
    public static final class RouteBuilder {
        private final Values keys = new Values();

        RouteBuilder() {
        }

        /** {@code path}: a prefix of the normalised, decoded path. */
        public RouteBuilder path(String prefix) {
            keys.put(Keys.ROUTE_PATH, prefix);
            return this;
        }

        /** {@code match}: a regex searched in the normalised, decoded path; groups are $1..$9. */
        public RouteBuilder match(String regex) {
            keys.put(Keys.ROUTE_MATCH, regex);
            return this;
        }

        /** {@code methods}: adds request methods the route takes. */
        public RouteBuilder methods(String... methods) {
            keys.add(Keys.ROUTE_METHODS, methods);
            return this;
        }

        /** {@code header: {name, matches}}: the header is present and one of its values contains a match. */
        public RouteBuilder header(String name, String matches) {
            keys.section(Keys.ROUTE_HEADER).put(Keys.HEADER_NAME, name).put(Keys.HEADER_MATCHES, matches);
            return this;
        }

        /** {@code header: {name}}: the header is present. */
        public RouteBuilder header(String name) {
            keys.section(Keys.ROUTE_HEADER).put(Keys.HEADER_NAME, name);
            return this;
        }

        /** {@code proxy}: forward requests to backends, optionally with {@code path} or {@code stripPrefix}. */
        public RouteBuilder proxy(Consumer<ProxyBuilder> definition) {
            ProxyBuilder proxy = new ProxyBuilder();
            definition.accept(proxy);
            keys.put(Keys.ROUTE_PROXY_ACTION, proxy.keys);
            return this;
        }

        /** {@code files}: serve a document root. */
        public RouteBuilder files(Consumer<FilesBuilder> definition) {
            FilesBuilder files = new FilesBuilder();
            definition.accept(files);
            keys.put(Keys.ROUTE_FILES, files.keys);
            return this;
        }

        /** {@code echo: {}}. */
        public RouteBuilder echo() {
            keys.section(Keys.ROUTE_ECHO);
            return this;
        }

        /** {@code redirect: {to, status}}. */
        public RouteBuilder redirect(String to, int status) {
            keys.section(Keys.ROUTE_REDIRECT).put(Keys.REDIRECT_TO, to).put(Keys.REDIRECT_STATUS, (long) status);
            return this;
        }

        /** {@code redirect: {to}} with the default status, 302. */
        public RouteBuilder redirect(String to) {
            keys.section(Keys.ROUTE_REDIRECT).put(Keys.REDIRECT_TO, to);
            return this;
        }

        /** {@code respond: {status, body, headers}}. */
        public RouteBuilder respond(Consumer<RespondBuilder> definition) {
            RespondBuilder respond = new RespondBuilder();
            definition.accept(respond);
            keys.put(Keys.ROUTE_RESPOND, respond.keys);
            return this;
        }

        /** {@code rewrite: {to}}: a new path, then matching goes on with the next route. */
        public RouteBuilder rewrite(String to) {
            keys.section(Keys.ROUTE_REWRITE).put(Keys.REWRITE_TO, to);
            return this;
        }

        /** {@code headers.request}: changes to the request headers. */
        public RouteBuilder requestHeaders(Consumer<HeaderOperationsBuilder> definition) {
            return headers(Keys.HEADERS_REQUEST, definition);
        }

        /** {@code headers.response}: changes to the response headers. */
        public RouteBuilder responseHeaders(Consumer<HeaderOperationsBuilder> definition) {
            return headers(Keys.HEADERS_RESPONSE, definition);
        }

        private RouteBuilder headers(Keys.Key<?> side, Consumer<HeaderOperationsBuilder> definition) {
            HeaderOperationsBuilder operations = new HeaderOperationsBuilder(keys.section(Keys.ROUTE_HEADERS).section(side));
            definition.accept(operations);
            return this;
        }
    }

    /** The {@code respond} of a route. */
    public static final class RespondBuilder {
        private final Values keys = new Values();

        RespondBuilder() {
        }

        /** {@code status}: 200 to 599. */
        public RespondBuilder status(int status) {
            keys.put(Keys.RESPOND_STATUS, (long) status);
            return this;
        }

        /** {@code body}. */
        public RespondBuilder body(String body) {
            keys.put(Keys.RESPOND_BODY, body);
            return this;
        }

        /** Adds one of {@code headers}. */
        public RespondBuilder header(String name, String value) {
            keys.entries(Keys.RESPOND_HEADERS).put(name, value);
            return this;
        }
    }

    /** {@code set}, {@code add} and {@code remove} of {@code headers.request} or {@code headers.response}. */
    public static final class HeaderOperationsBuilder {
        private final Values keys;

        HeaderOperationsBuilder(Values keys) {
            this.keys = keys;
        }

        /** Adds one entry to {@code set}: the header gets this one value. */
        public HeaderOperationsBuilder set(String name, String value) {
            keys.entries(Keys.HEADERS_SET).put(name, value);
            return this;
        }

        /** Adds one entry to {@code add}: one more value for the header. */
        public HeaderOperationsBuilder add(String name, String value) {
            keys.entries(Keys.HEADERS_ADD).put(name, value);
            return this;
        }

        /** Adds names to {@code remove}. */
        public HeaderOperationsBuilder remove(String... names) {
            keys.add(Keys.HEADERS_REMOVE, names);
            return this;
        }
    }

    /** The {@code proxy} of a vhost or a route. */
    public static final class ProxyBuilder {
        private final Values keys = new Values();

        ProxyBuilder() {
        }

        /** Adds one of {@code backends}: {@code http://host:port} or {@code http://host}. */
        public ProxyBuilder backend(String uri) {
            keys.add(Keys.PROXY_BACKENDS, uri);
            return this;
        }

        /** {@code preserveHost}; default true. */
        public ProxyBuilder preserveHost(boolean preserveHost) {
            keys.put(Keys.PROXY_PRESERVE_HOST, preserveHost);
            return this;
        }

        /** {@code timeouts.connect}; default the gateway's. */
        public ProxyBuilder connectTimeout(Duration timeout) {
            keys.section(Keys.PROXY_TIMEOUTS_GROUP).put(Keys.PROXY_TIMEOUTS_CONNECT, timeout);
            return this;
        }

        /** {@code timeouts.response}; default the gateway's. */
        public ProxyBuilder responseTimeout(Duration timeout) {
            keys.section(Keys.PROXY_TIMEOUTS_GROUP).put(Keys.PROXY_TIMEOUTS_RESPONSE, timeout);
            return this;
        }

        /** {@code timeouts.idle}: how long an unused pooled backend connection is kept; default 60s. */
        public ProxyBuilder idleTimeout(Duration timeout) {
            keys.section(Keys.PROXY_TIMEOUTS_GROUP).put(Keys.PROXY_TIMEOUTS_IDLE, timeout);
            return this;
        }

        /** {@code connections}: idle keep-alive connections kept per backend, at least 1. */
        public ProxyBuilder connections(int connections) {
            keys.put(Keys.PROXY_CONNECTIONS, (long) connections);
            return this;
        }

        /** {@code maxConnections}: the most connections open per backend, past which requests queue; 0, no cap. */
        public ProxyBuilder maxConnections(int maxConnections) {
            keys.put(Keys.PROXY_MAX_CONNECTIONS, (long) maxConnections);
            return this;
        }

        /** {@code queue}: with {@code maxConnections}, requests that may wait for a connection, 0 or more. */
        public ProxyBuilder queue(int queue) {
            keys.put(Keys.PROXY_QUEUE, (long) queue);
            return this;
        }

        /** {@code balance}: {@code round-robin} (default), {@code least-requests} or {@code ip-hash}. */
        public ProxyBuilder balance(String balance) {
            keys.put(Keys.PROXY_BALANCE, balance);
            return this;
        }

        /** {@code balance}, as the constant. */
        public ProxyBuilder balance(ProxyConfig.Balance balance) {
            keys.put(Keys.PROXY_BALANCE, balance);
            return this;
        }

        /** {@code retries}: further backends a failed request may try; default one fewer than the backends. */
        public ProxyBuilder retries(int retries) {
            keys.put(Keys.PROXY_RETRIES, (long) retries);
            return this;
        }

        /** {@code health.failures} and {@code health.coolOff}: when a failing backend is taken out, and for how long. */
        public ProxyBuilder passiveHealth(int failures, Duration coolOff) {
            keys.section(Keys.PROXY_HEALTH).put(Keys.HEALTH_FAILURES, (long) failures).put(Keys.HEALTH_COOL_OFF, coolOff);
            return this;
        }

        /** {@code health.path}, {@code health.interval}, {@code health.expect}: the active check. */
        public ProxyBuilder healthCheck(String path, Duration interval, int expect) {
            keys.section(Keys.PROXY_HEALTH).put(Keys.HEALTH_PATH, path).put(Keys.HEALTH_INTERVAL, interval)
                    .put(Keys.HEALTH_EXPECT, (long) expect);
            return this;
        }

        /** {@code path} (routes only): the backend path template, like {@code /$1} or {@code /v2/$1?%{QUERY}}. */
        public ProxyBuilder path(String template) {
            keys.put(Keys.ROUTE_PROXY_PATH, template);
            return this;
        }

        /** {@code stripPrefix} (routes with a {@code path} only): remove the route's prefix from the backend path. */
        public ProxyBuilder stripPrefix(boolean stripPrefix) {
            keys.put(Keys.ROUTE_PROXY_STRIP_PREFIX, stripPrefix);
            return this;
        }
    }

    /** The {@code files} of a vhost or a route. */
    public static final class FilesBuilder {
        private final Values keys = new Values();

        FilesBuilder() {
        }

        /** {@code root}: the document root, with mod_evhost tokens. */
        public FilesBuilder root(String root) {
            keys.put(Keys.FILES_ROOT, root);
            return this;
        }

        /** {@code fallbackRoot}: used when the root's directory does not exist. */
        public FilesBuilder fallbackRoot(String fallbackRoot) {
            keys.put(Keys.FILES_FALLBACK_ROOT, fallbackRoot);
            return this;
        }

        /** {@code index}: file names for a directory request; calling it with none disables index files. */
        public FilesBuilder index(String... names) {
            keys.add(Keys.FILES_INDEX, names);
            return this;
        }

        /** {@code deny}: path suffixes answered 403. */
        public FilesBuilder deny(String... suffixes) {
            keys.add(Keys.FILES_DENY, suffixes);
            return this;
        }

        /** {@code listing}: list directories without an index file. */
        public FilesBuilder listing(boolean listing) {
            keys.put(Keys.FILES_LISTING, listing);
            return this;
        }

        /** {@code noRanges}: regexes of paths served without range support. */
        public FilesBuilder noRanges(String... regexes) {
            keys.add(Keys.FILES_NO_RANGES, regexes);
            return this;
        }

        /** {@code mimeTypes}: adds one extension (no dot) to Content-Type entry over the built-in table. */
        public FilesBuilder mimeType(String extension, String contentType) {
            keys.entries(Keys.FILES_MIME_TYPES).put(extension, contentType);
            return this;
        }

        /** {@code precompressed}: serve {@code .br} / {@code .gz} siblings to clients that accept them. */
        public FilesBuilder precompressed(boolean precompressed) {
            keys.put(Keys.FILES_PRECOMPRESSED, precompressed);
            return this;
        }

        /** {@code gzip}: on-the-fly gzip for {@code types} (none given: the default types) from {@code minSize} bytes. */
        public FilesBuilder gzip(boolean enabled, long minSize, String... types) {
            Values gzip = keys.section(Keys.FILES_GZIP).put(Keys.GZIP_ENABLED, enabled).put(Keys.GZIP_MIN_SIZE, minSize);
            if (types.length > 0) {
                gzip.add(Keys.GZIP_TYPES, types);
            }
            return this;
        }

        /** {@code cache}: {@code Cache-Control: max-age} and {@code immutable}. */
        public FilesBuilder cache(Duration maxAge, boolean immutable) {
            keys.section(Keys.FILES_CACHE).put(Keys.CACHE_MAX_AGE, maxAge).put(Keys.CACHE_IMMUTABLE, immutable);
            return this;
        }

        /** {@code dotfiles}: deny (default) or allow paths with a segment starting with a dot. */
        public FilesBuilder dotfiles(FilesConfig.Dotfiles dotfiles) {
            keys.put(Keys.FILES_DOTFILES, dotfiles);
            return this;
        }

        /** {@code errorPages}: adds the page (a path inside the root) served with {@code status}. */
        public FilesBuilder errorPage(int status, String page) {
            keys.entries(Keys.FILES_ERROR_PAGES).put(String.valueOf(status), page);
            return this;
        }

        /** {@code symlinks}: never, inside-root (default) or owner-match. */
        public FilesBuilder symlinks(FilesConfig.Symlinks symlinks) {
            keys.put(Keys.FILES_SYMLINKS, symlinks);
            return this;
        }
    }

    /**
     * A mapping being built: values under their {@link Keys}, in the order set, turned by {@link #tree()} into the
     * tree a YAML file would give (the user's own names in {@link #entries}: headers, extensions, statuses).
     */
    private static final class Values {
        private final Map<Keys.Key<?>, Object> values = new LinkedHashMap<>();

        Values put(Keys.Key<?> key, Object value) {
            values.put(key, value);
            return this;
        }

        /** The mapping under {@code key}, made when it is not there yet. */
        Values section(Keys.Key<?> key) {
            return (Values) values.computeIfAbsent(key, k -> new Values());
        }

        /** A mapping of names the user chooses (header names, extensions, statuses) under {@code key}. */
        @SuppressWarnings("unchecked")
        Map<String, Object> entries(Keys.Key<?> key) {
            return (Map<String, Object>) values.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
        }

        @SuppressWarnings("unchecked")
        List<Object> list(Keys.Key<?> key) {
            return (List<Object>) values.computeIfAbsent(key, k -> new ArrayList<>());
        }

        void add(Keys.Key<?> key, String... items) {
            list(key).addAll(Arrays.asList(items));
        }

        Map<String, Object> tree() {
            Map<String, Object> tree = new LinkedHashMap<>();
            values.forEach((key, value) -> tree.put(key.name(), tree(value)));
            return tree;
        }

        private static Object tree(Object value) {
            if (value instanceof Values nested) {
                return nested.tree();
            }
            if (value instanceof List<?> items) {
                return items.stream().map(Values::tree).toList();
            }
            return value;
        }
    }
}
