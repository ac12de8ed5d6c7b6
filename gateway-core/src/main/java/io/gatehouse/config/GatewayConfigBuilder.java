package io.gatehouse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * Each method sets the YAML key named on it; methods for list keys add to the list (so {@code backend} may be
 * called once per backend), and a key never set gets its default. {@link #build()} validates the whole config
 * exactly as a YAML file is validated (the builder produces the same tree the YAML parser does) and throws a
 * {@link ConfigException} whose problems have the YAML key paths ({@code vhosts[1].proxy.backends[0]}) and
 * line and column 0. Relative paths are taken from the current directory.
 */
public final class GatewayConfigBuilder {

    private final Map<String, Object> root = new LinkedHashMap<>();

    GatewayConfigBuilder() {
    }

    /** {@code listen}: default listeners, {@code "host:port"}, {@code ":port"} or {@code "[v6]:port"}. */
    public GatewayConfigBuilder listen(String... addresses) {
        add(root, "listen", addresses);
        return this;
    }

    /** {@code forwarded.trusted}: peers (CIDR, or a bare IP) whose X-Forwarded-* headers are believed. */
    public GatewayConfigBuilder trust(String... networks) {
        add(section(root, "forwarded"), "trusted", networks);
        return this;
    }

    /** {@code forwarded.emit}: header families sent to backends, {@code x-forwarded} and/or {@code rfc7239}. */
    public GatewayConfigBuilder emit(String... families) {
        add(section(root, "forwarded"), "emit", families);
        return this;
    }

    /** {@code forwarded.realIpHeader}: send the resolved client IP as X-Real-IP; default false. */
    public GatewayConfigBuilder realIpHeader(boolean send) {
        section(root, "forwarded").put("realIpHeader", send);
        return this;
    }

    /** {@code forwarded.echoRequestId}: return X-Request-Id to the client; default false. */
    public GatewayConfigBuilder echoRequestId(boolean echo) {
        section(root, "forwarded").put("echoRequestId", echo);
        return this;
    }

    /** {@code forwarded.strip}: more request headers to strip from peers outside {@code forwarded.trusted}. */
    public GatewayConfigBuilder stripFromUntrusted(String... names) {
        add(section(root, "forwarded"), "strip", names);
        return this;
    }

    /** {@code forwarded.underscoresInHeaders}: {@code drop} (the default) or {@code keep}. */
    public GatewayConfigBuilder underscoresInHeaders(String policy) {
        section(root, "forwarded").put("underscoresInHeaders", policy);
        return this;
    }

    /** {@code timeouts.connect}. */
    public GatewayConfigBuilder connectTimeout(Duration timeout) {
        section(root, "timeouts").put("connect", timeout);
        return this;
    }

    /** {@code timeouts.response}. */
    public GatewayConfigBuilder responseTimeout(Duration timeout) {
        section(root, "timeouts").put("response", timeout);
        return this;
    }

    /** {@code timeouts.idle}. */
    public GatewayConfigBuilder idleTimeout(Duration timeout) {
        section(root, "timeouts").put("idle", timeout);
        return this;
    }

    /** {@code limits.maxBody}, in bytes. */
    public GatewayConfigBuilder maxBody(long bytes) {
        section(root, "limits").put("maxBody", bytes);
        return this;
    }

    /** {@code limits.maxHeaderBytes}, 1024 up to {@code Integer.MAX_VALUE}. */
    public GatewayConfigBuilder maxHeaderBytes(long bytes) {
        section(root, "limits").put("maxHeaderBytes", bytes);
        return this;
    }

    /** {@code timeouts.requestHeader}. */
    public GatewayConfigBuilder requestHeaderTimeout(Duration timeout) {
        section(root, "timeouts").put("requestHeader", timeout);
        return this;
    }

    /** {@code limits.maxHeaders}: header fields per request, 1 to 100000. */
    public GatewayConfigBuilder maxHeaders(int count) {
        section(root, "limits").put("maxHeaders", (long) count);
        return this;
    }

    /** {@code limits.maxUriBytes}: request target length, 256 bytes up to {@code Integer.MAX_VALUE}. */
    public GatewayConfigBuilder maxUriBytes(long bytes) {
        section(root, "limits").put("maxUriBytes", bytes);
        return this;
    }

    /** {@code limits.encodedSlashes}: what routes make of {@code %2F} in a path. */
    public GatewayConfigBuilder encodedSlashes(Limits.EncodedSlashes mode) {
        section(root, "limits").put("encodedSlashes", mode.name().toLowerCase(Locale.ROOT));
        return this;
    }

    /** {@code accessLog}: {@code "-"} (stdout), {@code "off"}, or a file, and its format. */
    public GatewayConfigBuilder accessLog(String path, AccessLogConfig.Format format) {
        Map<String, Object> accessLog = section(root, "accessLog");
        accessLog.put("path", path);
        accessLog.put("format", format);
        return this;
    }

    /** {@code log.repeatInterval}: how often a repeating warning is summarised; zero logs each one. */
    public GatewayConfigBuilder logRepeatInterval(Duration interval) {
        section(root, "log").put("repeatInterval", interval);
        return this;
    }

    /** {@code shutdown.drainTimeout}. */
    public GatewayConfigBuilder drainTimeout(Duration timeout) {
        section(root, "shutdown").put("drainTimeout", timeout);
        return this;
    }

    /**
     * {@code admin.listen}: turns the daemon's admin listener on at {@code address} ({@code "127.0.0.1:9901"}; a bare
     * {@code ":port"} is loopback).
     */
    public GatewayConfigBuilder admin(String address) {
        section(root, "admin").put("listen", address);
        return this;
    }

    /** {@code pidFile}: where the daemon writes its process id (relative: from the current directory). */
    public GatewayConfigBuilder pidFile(String path) {
        root.put("pidFile", path);
        return this;
    }

    /** {@code watch}: whether the daemon reloads when its configuration file changes. */
    public GatewayConfigBuilder watch(boolean watch) {
        root.put("watch", watch);
        return this;
    }

    /** Adds an entry to {@code vhosts}. */
    public GatewayConfigBuilder vhost(Consumer<VirtualHostBuilder> definition) {
        VirtualHostBuilder vhost = new VirtualHostBuilder();
        definition.accept(vhost);
        list(root, "vhosts").add(vhost.keys);
        return this;
    }

    /** @throws ConfigException with every problem, as {@link GatewayConfig#load} would report them */
    public GatewayConfig build() throws ConfigException {
        Problems problems = new Problems(Optional.empty());
        GatewayConfig config = new ConfigReader(problems, Path.of("")).read(ConfigNode.of(root), Optional.empty());
        problems.throwIfAny();
        return config;
    }

    /** One entry of {@code vhosts}; give {@code hosts} and exactly one of proxy, files, echo, or routes. */
    public static final class VirtualHostBuilder {
        private final Map<String, Object> keys = new LinkedHashMap<>();

        VirtualHostBuilder() {
        }

        /** {@code name}: a label for logs and metrics; default the first host. */
        public VirtualHostBuilder name(String name) {
            keys.put("name", name);
            return this;
        }

        /** {@code hosts}: exact names, {@code *.suffix} wildcards, or {@code *}. */
        public VirtualHostBuilder hosts(String... hosts) {
            add(keys, "hosts", hosts);
            return this;
        }

        /** {@code listen}: this vhost's own listeners instead of the default ones. */
        public VirtualHostBuilder listen(String... addresses) {
            add(keys, "listen", addresses);
            return this;
        }

        /** {@code proxy}: forward requests to backends. */
        public VirtualHostBuilder proxy(Consumer<ProxyBuilder> definition) {
            ProxyBuilder proxy = new ProxyBuilder();
            definition.accept(proxy);
            keys.put("proxy", proxy.keys);
            return this;
        }

        /** {@code files}: serve a document root. */
        public VirtualHostBuilder files(Consumer<FilesBuilder> definition) {
            FilesBuilder files = new FilesBuilder();
            definition.accept(files);
            keys.put("files", files.keys);
            return this;
        }

        /** {@code echo: {}}: answer with the request as received. */
        public VirtualHostBuilder echo() {
            keys.put("echo", new LinkedHashMap<>());
            return this;
        }

        /** Adds an entry to {@code routes}; a vhost has routes or one action, not both. */
        public VirtualHostBuilder route(Consumer<RouteBuilder> definition) {
            RouteBuilder route = new RouteBuilder();
            definition.accept(route);
            list(keys, "routes").add(route.keys);
            return this;
        }
    }

    /** One entry of a vhost's {@code routes}: conditions (none: every request), exactly one action, header changes. */
    public static final class RouteBuilder {
        private final Map<String, Object> keys = new LinkedHashMap<>();

        RouteBuilder() {
        }

        /** {@code path}: a prefix of the normalised, decoded path. */
        public RouteBuilder path(String prefix) {
            keys.put("path", prefix);
            return this;
        }

        /** {@code match}: a regex searched in the normalised, decoded path; groups are $1..$9. */
        public RouteBuilder match(String regex) {
            keys.put("match", regex);
            return this;
        }

        /** {@code methods}: adds request methods the route takes. */
        public RouteBuilder methods(String... methods) {
            add(keys, "methods", methods);
            return this;
        }

        /** {@code header: {name, matches}}: the header is present and one of its values contains a match. */
        public RouteBuilder header(String name, String matches) {
            Map<String, Object> header = section(keys, "header");
            header.put("name", name);
            header.put("matches", matches);
            return this;
        }

        /** {@code header: {name}}: the header is present. */
        public RouteBuilder header(String name) {
            section(keys, "header").put("name", name);
            return this;
        }

        /** {@code proxy}: forward requests to backends, optionally with {@code path} or {@code stripPrefix}. */
        public RouteBuilder proxy(Consumer<ProxyBuilder> definition) {
            ProxyBuilder proxy = new ProxyBuilder();
            definition.accept(proxy);
            keys.put("proxy", proxy.keys);
            return this;
        }

        /** {@code files}: serve a document root. */
        public RouteBuilder files(Consumer<FilesBuilder> definition) {
            FilesBuilder files = new FilesBuilder();
            definition.accept(files);
            keys.put("files", files.keys);
            return this;
        }

        /** {@code echo: {}}. */
        public RouteBuilder echo() {
            keys.put("echo", new LinkedHashMap<>());
            return this;
        }

        /** {@code redirect: {to, status}}. */
        public RouteBuilder redirect(String to, int status) {
            Map<String, Object> redirect = section(keys, "redirect");
            redirect.put("to", to);
            redirect.put("status", (long) status);
            return this;
        }

        /** {@code redirect: {to}} with the default status, 302. */
        public RouteBuilder redirect(String to) {
            section(keys, "redirect").put("to", to);
            return this;
        }

        /** {@code respond: {status, body, headers}}. */
        public RouteBuilder respond(Consumer<RespondBuilder> definition) {
            RespondBuilder respond = new RespondBuilder();
            definition.accept(respond);
            keys.put("respond", respond.keys);
            return this;
        }

        /** {@code rewrite: {to}}: a new path, then matching goes on with the next route. */
        public RouteBuilder rewrite(String to) {
            section(keys, "rewrite").put("to", to);
            return this;
        }

        /** {@code headers.request}: changes to the request headers. */
        public RouteBuilder requestHeaders(Consumer<HeaderOperationsBuilder> definition) {
            return headers("request", definition);
        }

        /** {@code headers.response}: changes to the response headers. */
        public RouteBuilder responseHeaders(Consumer<HeaderOperationsBuilder> definition) {
            return headers("response", definition);
        }

        private RouteBuilder headers(String side, Consumer<HeaderOperationsBuilder> definition) {
            HeaderOperationsBuilder operations = new HeaderOperationsBuilder(section(section(keys, "headers"), side));
            definition.accept(operations);
            return this;
        }
    }

    /** The {@code respond} of a route. */
    public static final class RespondBuilder {
        private final Map<String, Object> keys = new LinkedHashMap<>();

        RespondBuilder() {
        }

        /** {@code status}: 200 to 599. */
        public RespondBuilder status(int status) {
            keys.put("status", (long) status);
            return this;
        }

        /** {@code body}. */
        public RespondBuilder body(String body) {
            keys.put("body", body);
            return this;
        }

        /** Adds one of {@code headers}. */
        public RespondBuilder header(String name, String value) {
            section(keys, "headers").put(name, value);
            return this;
        }
    }

    /** {@code set}, {@code add} and {@code remove} of {@code headers.request} or {@code headers.response}. */
    public static final class HeaderOperationsBuilder {
        private final Map<String, Object> keys;

        HeaderOperationsBuilder(Map<String, Object> keys) {
            this.keys = keys;
        }

        /** Adds one entry to {@code set}: the header gets this one value. */
        public HeaderOperationsBuilder set(String name, String value) {
            section(keys, "set").put(name, value);
            return this;
        }

        /** Adds one entry to {@code add}: one more value for the header. */
        public HeaderOperationsBuilder add(String name, String value) {
            section(keys, "add").put(name, value);
            return this;
        }

        /** Adds names to {@code remove}. */
        public HeaderOperationsBuilder remove(String... names) {
            GatewayConfigBuilder.add(keys, "remove", names);
            return this;
        }
    }

    /** The {@code proxy} of a vhost or a route. */
    public static final class ProxyBuilder {
        private final Map<String, Object> keys = new LinkedHashMap<>();

        ProxyBuilder() {
        }

        /** Adds one of {@code backends}: {@code http://host:port} or {@code http://host}. */
        public ProxyBuilder backend(String uri) {
            add(keys, "backends", uri);
            return this;
        }

        /** {@code preserveHost}; default true. */
        public ProxyBuilder preserveHost(boolean preserveHost) {
            keys.put("preserveHost", preserveHost);
            return this;
        }

        /** {@code timeouts.connect}; default the gateway's. */
        public ProxyBuilder connectTimeout(Duration timeout) {
            section(keys, "timeouts").put("connect", timeout);
            return this;
        }

        /** {@code timeouts.response}; default the gateway's. */
        public ProxyBuilder responseTimeout(Duration timeout) {
            section(keys, "timeouts").put("response", timeout);
            return this;
        }

        /** {@code timeouts.idle}: how long an unused pooled backend connection is kept; default 60s. */
        public ProxyBuilder idleTimeout(Duration timeout) {
            section(keys, "timeouts").put("idle", timeout);
            return this;
        }

        /** {@code connections}: idle keep-alive connections kept per backend, at least 1. */
        public ProxyBuilder connections(int connections) {
            keys.put("connections", (long) connections);
            return this;
        }

        /** {@code maxConnections}: the most connections open per backend, past which requests queue; 0, no cap. */
        public ProxyBuilder maxConnections(int maxConnections) {
            keys.put("maxConnections", (long) maxConnections);
            return this;
        }

        /** {@code queue}: with {@code maxConnections}, requests that may wait for a connection, 0 or more. */
        public ProxyBuilder queue(int queue) {
            keys.put("queue", (long) queue);
            return this;
        }

        /** {@code balance}: {@code round-robin} (default), {@code least-requests} or {@code ip-hash}. */
        public ProxyBuilder balance(String balance) {
            keys.put("balance", balance);
            return this;
        }

        /** {@code retries}: further backends a failed request may try; default one fewer than the backends. */
        public ProxyBuilder retries(int retries) {
            keys.put("retries", (long) retries);
            return this;
        }

        /** {@code health.failures} and {@code health.coolOff}: when a failing backend is taken out, and for how long. */
        public ProxyBuilder passiveHealth(int failures, Duration coolOff) {
            Map<String, Object> health = section(keys, "health");
            health.put("failures", (long) failures);
            health.put("coolOff", coolOff);
            return this;
        }

        /** {@code health.path}, {@code health.interval}, {@code health.expect}: the active check. */
        public ProxyBuilder healthCheck(String path, Duration interval, int expect) {
            Map<String, Object> health = section(keys, "health");
            health.put("path", path);
            health.put("interval", interval);
            health.put("expect", (long) expect);
            return this;
        }

        /** {@code path} (routes only): the backend path template, like {@code /$1} or {@code /v2/$1?%{QUERY}}. */
        public ProxyBuilder path(String template) {
            keys.put("path", template);
            return this;
        }

        /** {@code stripPrefix} (routes with a {@code path} only): remove the route's prefix from the backend path. */
        public ProxyBuilder stripPrefix(boolean stripPrefix) {
            keys.put("stripPrefix", stripPrefix);
            return this;
        }
    }

    /** The {@code files} of a vhost or a route. */
    public static final class FilesBuilder {
        private final Map<String, Object> keys = new LinkedHashMap<>();

        FilesBuilder() {
        }

        /** {@code root}: the document root, with mod_evhost tokens. */
        public FilesBuilder root(String root) {
            keys.put("root", root);
            return this;
        }

        /** {@code fallbackRoot}: used when the root's directory does not exist. */
        public FilesBuilder fallbackRoot(String fallbackRoot) {
            keys.put("fallbackRoot", fallbackRoot);
            return this;
        }

        /** {@code index}: file names for a directory request; calling it with none disables index files. */
        public FilesBuilder index(String... names) {
            add(keys, "index", names);
            return this;
        }

        /** {@code deny}: path suffixes answered 403. */
        public FilesBuilder deny(String... suffixes) {
            add(keys, "deny", suffixes);
            return this;
        }

        /** {@code listing}: list directories without an index file. */
        public FilesBuilder listing(boolean listing) {
            keys.put("listing", listing);
            return this;
        }

        /** {@code noRanges}: regexes of paths served without range support. */
        public FilesBuilder noRanges(String... regexes) {
            add(keys, "noRanges", regexes);
            return this;
        }

        /** {@code mimeTypes}: adds one extension (no dot) to Content-Type entry over the built-in table. */
        public FilesBuilder mimeType(String extension, String contentType) {
            section(keys, "mimeTypes").put(extension, contentType);
            return this;
        }

        /** {@code precompressed}: serve {@code .br} / {@code .gz} siblings to clients that accept them. */
        public FilesBuilder precompressed(boolean precompressed) {
            keys.put("precompressed", precompressed);
            return this;
        }

        /** {@code gzip}: on-the-fly gzip for {@code types} (none given: the default types) from {@code minSize} bytes. */
        public FilesBuilder gzip(boolean enabled, long minSize, String... types) {
            Map<String, Object> gzip = section(keys, "gzip");
            gzip.put("enabled", enabled);
            gzip.put("minSize", minSize);
            if (types.length > 0) {
                add(gzip, "types", types);
            }
            return this;
        }

        /** {@code cache}: {@code Cache-Control: max-age} and {@code immutable}. */
        public FilesBuilder cache(Duration maxAge, boolean immutable) {
            Map<String, Object> cache = section(keys, "cache");
            cache.put("maxAge", maxAge);
            cache.put("immutable", immutable);
            return this;
        }

        /** {@code dotfiles}: deny (default) or allow paths with a segment starting with a dot. */
        public FilesBuilder dotfiles(FilesConfig.Dotfiles dotfiles) {
            keys.put("dotfiles", dotfiles);
            return this;
        }

        /** {@code errorPages}: adds the page (a path inside the root) served with {@code status}. */
        public FilesBuilder errorPage(int status, String page) {
            section(keys, "errorPages").put(String.valueOf(status), page);
            return this;
        }

        /** {@code symlinks}: never, inside-root (default) or owner-match. */
        public FilesBuilder symlinks(FilesConfig.Symlinks symlinks) {
            keys.put("symlinks", symlinks.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            return this;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        return (List<Object>) parent.computeIfAbsent(key, k -> new ArrayList<>());
    }

    private static void add(Map<String, Object> parent, String key, String... values) {
        list(parent, key).addAll(Arrays.asList(values));
    }
}
