package io.gatehouse.internal.config;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.AdminConfig;
import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.Cidr;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.FastCgiConfig;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.HeaderCondition;
import io.gatehouse.config.HeaderRules;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.LogConfig;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.ProxyPath;
import io.gatehouse.config.RedirectConfig;
import io.gatehouse.config.Regex;
import io.gatehouse.config.RespondConfig;
import io.gatehouse.config.RewriteConfig;
import io.gatehouse.config.Route;
import io.gatehouse.config.ShutdownConfig;
import io.gatehouse.config.Template;
import io.gatehouse.config.Timeouts;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.config.VhostTls;
import io.gatehouse.config.VirtualHost;
import io.gatehouse.internal.tls.TlsParameters;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The YAML keys, each declared once: its name, the mapping it belongs to, the record component it fills, a doc
 * line, and for a value its type (the binder {@code ConfigReader} reads it with) and its default. The reader takes
 * the key names, each mapping's valid keys (so the "valid keys here" of an unknown key is this table), each value's
 * binder and default from here; {@link io.gatehouse.config.GatewayConfigBuilder} writes under these names, the daemon's {@code /config}
 * names each record component by the key that fills it, and {@code gatehouse check} labels values with these names.
 * {@code KeysTableTest} checks that every component of the config records is filled by exactly one key (or is
 * {@link #NOT_KEYS one that no key fills}), that every key is documented, and that the documented defaults are
 * these.
 *
 * <p>A default is a constant, none (the component is empty), derived from other keys (a proxy's timeouts from
 * {@code timeouts}, {@code retries} from the number of backends: the reader computes it, the key names the rule),
 * or the key is required. Each constant is written once: here, or as a record's {@code DEFAULT_*} constant that
 * the key points at. A record whose compact constructor names its keys (its checks do) takes its {@code DEFAULTS}
 * from here, never the other way round, since this class must be initialisable before that record.
 */
public final class Keys {

    private Keys() {
    }

    /**
     * One YAML key.
     *
     * @param section   the mapping it is written in
     * @param name      as written in YAML
     * @param doc       one line: what it sets
     * @param record    the record whose component it fills, or null for a key that only groups or selects
     *                  ({@code proxy.timeouts}, an action)
     * @param component that component's name
     * @param opens     the mapping its value is, or null for a value
     * @param type      for a value, the binder that reads it, made for one read; null for a key that opens a mapping
     * @param byDefault what the key's absence means; null for a key that opens an optional mapping
     * @param <T>       the type of its value; {@link Void} for a key that opens a mapping
     */
    public record Key<T>(Section section, String name, String doc, Class<? extends Record> record, String component,
                         Section opens, Function<Binders, Binders.Binder<T>> type, Default<T> byDefault) {

        /** @return the key path for messages and reports: {@code proxy.health.failures}, {@code shutdown.drainTimeout} */
        public String path() {
            return section.path().isEmpty() ? name : section.path() + "." + name;
        }

        /**
         * The constant default, for the records' {@code DEFAULTS}.
         *
         * @return the value the key has when absent
         * @throws IllegalStateException when the default is not a constant
         */
        public T defaultValue() {
            if (byDefault == null || byDefault.kind() != Default.Kind.VALUE) {
                throw new IllegalStateException(path() + " has no constant default");
            }
            return byDefault.value();
        }

        /**
         * Whether this key fills {@code componentName} of {@code type}.
         *
         * @param type          a config record
         * @param componentName one of its components' names
         * @return true when this key's value is that component's
         */
        public boolean fills(Class<?> type, String componentName) {
            return record == type && component.equals(componentName);
        }
    }

    /**
     * What a key's absence means.
     *
     * @param kind  which of the four it is
     * @param value the constant, for {@link Kind#VALUE}
     * @param rule  for {@link Kind#DERIVED} what it is derived from; for {@link Kind#REQUIRED} the hint of the
     *              "missing" problem
     * @param <T>   the key's value type
     */
    public record Default<T>(Kind kind, T value, String rule) {

        public enum Kind {
            /** A constant. */
            VALUE,
            /** No value: the component is empty. */
            NONE,
            /** Computed by the reader from other keys. */
            DERIVED,
            /** The key must be given. */
            REQUIRED
        }

        static <T> Default<T> of(T value) {
            return new Default<>(Kind.VALUE, value, "");
        }

        static <T> Default<T> none() {
            return new Default<>(Kind.NONE, null, "");
        }

        static <T> Default<T> derived(String from) {
            return new Default<>(Kind.DERIVED, null, from);
        }

        static <T> Default<T> required(String hint) {
            return new Default<>(Kind.REQUIRED, null, hint);
        }
    }

    /** A YAML mapping and its keys, in the order that messages list them. */
    public static final class Section {
        private final String path;
        private final Class<? extends Record> record;
        private final String doc;
        private final List<Key<?>> keys;

        /**
         * @param path   like {@code proxy.health}; {@code ""} for the top level, {@code vhosts[]} for an entry of a list
         * @param record the record this mapping is, or null when it is part of the enclosing record, nested in
         *               {@code /config} under the last segment of {@code path} (a proxy's {@code timeouts})
         * @param doc    the file in {@code src-docs} that documents its keys
         */
        Section(String path, Class<? extends Record> record, String doc) {
            this(path, record, doc, List.of());
        }

        /** A mapping that takes every key of {@code base} and then its own. */
        Section(String path, Class<? extends Record> record, String doc, Section base) {
            this(path, record, doc, base.keys);
        }

        private Section(String path, Class<? extends Record> record, String doc, List<Key<?>> inherited) {
            this.path = path;
            this.record = record;
            this.doc = doc;
            this.keys = new ArrayList<>(inherited);
        }

        /** @return like {@code proxy.health}; {@code ""} for the top level, {@code vhosts[]} for an entry of a list */
        public String path() {
            return path;
        }

        /** @return the record this mapping is, or null when it is part of the enclosing record */
        public Class<? extends Record> record() {
            return record;
        }

        /** @return the file in {@code src-docs} that documents its keys */
        public String doc() {
            return doc;
        }

        /** @return the keys, in order */
        public List<Key<?>> keys() {
            return Collections.unmodifiableList(keys);
        }

        /** @return the key names, in order */
        public List<String> names() {
            return keys.stream().map(Key::name).toList();
        }

        /** A value filling the component of this section's record. */
        private <T> Key<T> value(String name, String component, Function<Binders, Binders.Binder<T>> type,
                                 Default<T> byDefault, String doc) {
            return value(name, record, component, type, byDefault, doc);
        }

        private <T> Key<T> value(String name, Class<? extends Record> filled, String component,
                                 Function<Binders, Binders.Binder<T>> type, Default<T> byDefault, String doc) {
            return add(new Key<>(this, name, doc, filled, component, null, type, byDefault));
        }

        /** A key whose value is the mapping {@code opens} (or a list of them), filling {@code component}. */
        private Key<Void> opening(String name, Class<? extends Record> filled, String component, Section opens,
                                  Default<Void> byDefault, String doc) {
            return add(new Key<>(this, name, doc, filled, component, opens, null, byDefault));
        }

        private Key<Void> group(String name, Section opens, String doc) {
            return opening(name, null, "", opens, null, doc);
        }

        private <T> Key<T> add(Key<T> key) {
            keys.add(key);
            return key;
        }

        @Override
        public String toString() {
            return "Section[" + path + "]";
        }
    }

    private static final String CONFIGURATION = "configuration.md";
    private static final String ROUTES = "routes.md";

    // Declared in dependency order: a section's keys may open only sections declared above it.

    public static final Section FORWARDED = new Section("forwarded", ForwardedConfig.class, CONFIGURATION);
    public static final Key<List<Cidr>> FORWARDED_TRUSTED = FORWARDED.value("trusted", "trusted",
            b -> b.list(b.parsed(Cidr::parse), "networks like \"127.0.0.1/32\"", false), Default.of(ForwardedConfig.DEFAULTS.trusted()),
            "peers whose forwarding headers are believed");
    public static final Key<Set<ForwardedConfig.Emit>> FORWARDED_EMIT = FORWARDED.value("emit", "emit",
            b -> b.list(b.parsed(ForwardedConfig.Emit::parse), "header families: x-forwarded, rfc7239", false).map(Set::copyOf),
            Default.of(ForwardedConfig.DEFAULT_EMIT), "header families set toward backends");
    public static final Key<Boolean> FORWARDED_REAL_IP_HEADER = FORWARDED.value("realIpHeader", "realIpHeader",
            b -> b.bool, Default.of(ForwardedConfig.DEFAULT_REAL_IP_HEADER), "send the client's address as X-Real-IP");
    public static final Key<Boolean> FORWARDED_ECHO_REQUEST_ID = FORWARDED.value("echoRequestId", "echoRequestId",
            b -> b.bool, Default.of(ForwardedConfig.DEFAULT_ECHO_REQUEST_ID), "return X-Request-Id to the client");
    public static final Key<List<String>> FORWARDED_STRIP = FORWARDED.value("strip", "strip",
            b -> b.list(b.parsed(ConfigValues::strippableHeaderName), "header names like X-Tenant", false),
            Default.of(ForwardedConfig.DEFAULTS.strip()), "more request headers stripped from untrusted peers");
    public static final Key<ForwardedConfig.Underscores> FORWARDED_UNDERSCORES = FORWARDED.value("underscoresInHeaders",
            "underscores", b -> b.parsed(ForwardedConfig.Underscores::parse), Default.of(ForwardedConfig.DEFAULT_UNDERSCORES),
            "request headers with '_' in their names: drop or keep");

    public static final Section TIMEOUTS = new Section("timeouts", Timeouts.class, CONFIGURATION);
    public static final Key<Duration> TIMEOUTS_CONNECT = TIMEOUTS.value("connect", "connect", b -> b.duration(false),
            Default.of(Duration.ofSeconds(5)), "opening a backend connection");
    public static final Key<Duration> TIMEOUTS_RESPONSE = TIMEOUTS.value("response", "response", b -> b.duration(false),
            Default.of(Duration.ofSeconds(60)), "a backend's response once the request is sent");
    public static final Key<Duration> TIMEOUTS_READ = TIMEOUTS.value("read", "read", b -> b.duration(false),
            Default.of(Duration.ofSeconds(60)), "between two reads of a backend's response body");
    public static final Key<Duration> TIMEOUTS_IDLE = TIMEOUTS.value("idle", "idle", b -> b.duration(false),
            Default.of(Duration.ofSeconds(75)), "a client connection with nothing to do");
    public static final Key<Duration> TIMEOUTS_REQUEST_HEADER = TIMEOUTS.value("requestHeader", "requestHeader",
            b -> b.duration(false), Default.of(Duration.ofSeconds(60)), "a request's header section, from its first byte");

    public static final Section LIMITS = new Section("limits", Limits.class, CONFIGURATION);
    public static final Key<Long> LIMITS_MAX_BODY = LIMITS.value("maxBody", "maxBody", b -> b.size,
            Default.of(1L << 30), "largest request body");
    public static final Key<Integer> LIMITS_MAX_HEADER_BYTES = LIMITS.value("maxHeaderBytes", "maxHeaderBytes",
            b -> b.within(b.size, 1024, Integer.MAX_VALUE, "must be 1KiB to 2GiB").map(Long::intValue),
            Default.of(16 * 1024), "largest request header section");
    public static final Key<Integer> LIMITS_MAX_HEADERS = LIMITS.value("maxHeaders", "maxHeaders",
            b -> b.wholeNumber(1, 100_000, "must be 1 to 100000"), Default.of(Limits.DEFAULT_MAX_HEADERS),
            "most header fields in a request");
    public static final Key<Integer> LIMITS_MAX_URI_BYTES = LIMITS.value("maxUriBytes", "maxUriBytes",
            b -> b.within(b.size, 256, Integer.MAX_VALUE, "must be 256 bytes to 2GiB").map(Long::intValue),
            Default.of(Limits.DEFAULT_MAX_URI_BYTES), "longest request target");
    public static final Key<Limits.EncodedSlashes> LIMITS_ENCODED_SLASHES = LIMITS.value("encodedSlashes", "encodedSlashes",
            b -> b.choice(Limits.EncodedSlashes.values()), Default.of(Limits.EncodedSlashes.REFUSE),
            "what routes make of %2F in a path");

    public static final Section HTTP2 = new Section("limits.http2", Limits.Http2.class, CONFIGURATION);
    public static final Key<Integer> HTTP2_MAX_CONCURRENT_STREAMS = HTTP2.value("maxConcurrentStreams",
            "maxConcurrentStreams", b -> b.wholeNumber(1, 10_000, "must be 1 to 10000"),
            Default.of(Limits.Http2.DEFAULT_MAX_CONCURRENT_STREAMS), "most requests in flight on one HTTP/2 connection");
    public static final Key<Void> LIMITS_HTTP2 = LIMITS.opening("http2", Limits.class, "http2", HTTP2, null,
            "HTTP/2 connection limits");

    public static final Section ACCESS_LOG = new Section("accessLog", AccessLogConfig.class, CONFIGURATION);
    public static final Key<String> ACCESS_LOG_PATH = ACCESS_LOG.value("path", "path", Binders::accessLogPath,
            Default.of(AccessLogConfig.STDOUT), "\"-\" (standard output), off, logger, logger:NAME, or a file");
    public static final Key<AccessLogConfig.Format> ACCESS_LOG_FORMAT = ACCESS_LOG.value("format", "format",
            b -> b.parsed(ConfigValues::accessLogFormat), Default.of(AccessLogConfig.Format.COMBINED), "common, combined or json");

    public static final Section LOG = new Section("log", LogConfig.class, CONFIGURATION);
    public static final Key<Duration> LOG_REPEAT_INTERVAL = LOG.value("repeatInterval", "repeatInterval", b -> b.duration(true),
            Default.of(Duration.ofSeconds(10)), "how often a repeating warning is summarised");

    public static final Section SHUTDOWN = new Section("shutdown", ShutdownConfig.class, CONFIGURATION);
    public static final Key<Duration> SHUTDOWN_DRAIN_TIMEOUT = SHUTDOWN.value("drainTimeout", "drainTimeout", b -> b.duration(true),
            Default.of(Duration.ofSeconds(30)), "how long a stop waits for requests in flight");

    public static final Section ADMIN = new Section("admin", AdminConfig.class, CONFIGURATION);
    public static final Key<ListenAddress> ADMIN_LISTEN = ADMIN.value("listen", "listen", b -> b.parsed(ConfigValues::adminListen),
            Default.of(AdminConfig.DEFAULT_LISTEN), "the admin listener's address");
    public static final Key<List<String>> ADMIN_HOSTS = ADMIN.value("hosts", "hosts",
            b -> b.list(b.parsed(ConfigValues::hostPattern), "host names like metrics.internal", false), Default.of(List.of()),
            "Host names the admin listener answers");

    public static final Section PROXY_TIMEOUTS = new Section("proxy.timeouts", null, CONFIGURATION);
    public static final Key<Duration> PROXY_TIMEOUTS_CONNECT = PROXY_TIMEOUTS.value("connect", ProxyConfig.class, "connectTimeout",
            b -> b.duration(false), Default.derived("the top-level timeouts.connect"),
            "opening a backend connection; default the top-level one");
    public static final Key<Duration> PROXY_TIMEOUTS_RESPONSE = PROXY_TIMEOUTS.value("response", ProxyConfig.class, "responseTimeout",
            b -> b.duration(false), Default.derived("the top-level timeouts.response"),
            "the backend's response; default the top-level one");
    public static final Key<Duration> PROXY_TIMEOUTS_READ = PROXY_TIMEOUTS.value("read", ProxyConfig.class, "readTimeout",
            b -> b.duration(false), Default.derived("the top-level timeouts.read"),
            "between two reads of the backend's response body; default the top-level one");
    public static final Key<Duration> PROXY_TIMEOUTS_IDLE = PROXY_TIMEOUTS.value("idle", ProxyConfig.class, "idleTimeout",
            b -> b.duration(false), Default.of(ProxyConfig.DEFAULT_IDLE_TIMEOUT), "an unused pooled backend connection is closed");

    public static final Section HEALTH = new Section("proxy.health", ProxyConfig.Health.class, CONFIGURATION);
    public static final Key<Integer> HEALTH_FAILURES = HEALTH.value("failures", "failures",
            b -> b.wholeNumber(1, 1000, "must be 1 to 1000"), Default.of(ProxyConfig.Health.DEFAULT_FAILURES),
            "failed connections in a row that take a backend out");
    public static final Key<Duration> HEALTH_COOL_OFF = HEALTH.value("coolOff", "coolOff", b -> b.duration(false),
            Default.of(Duration.ofSeconds(10)), "how long a backend stays out");
    public static final Key<String> HEALTH_PATH = HEALTH.value("path", ProxyConfig.Check.class, "path",
            b -> b.parsed(ConfigValues::healthPath), Default.none(), "turns the active check on");
    public static final Key<Duration> HEALTH_INTERVAL = HEALTH.value("interval", ProxyConfig.Check.class, "interval",
            b -> b.duration(false), Default.of(ProxyConfig.Check.DEFAULT_INTERVAL), "between active checks");
    public static final Key<Integer> HEALTH_EXPECT = HEALTH.value("expect", ProxyConfig.Check.class, "expect",
            b -> b.wholeNumber(100, 599, "must be an HTTP status, 100 to 599"), Default.of(ProxyConfig.Check.DEFAULT_EXPECT),
            "the status of a passing check");

    public static final Section BACKEND_TLS = new Section("proxy.tls", ProxyConfig.Tls.class, CONFIGURATION);
    public static final Key<Path> BACKEND_TLS_CA = BACKEND_TLS.value("ca", "ca", Binders::trustAnchors, Default.none(),
            "PEM file of the CAs that https backends' certificates must lead to");
    public static final Key<Boolean> BACKEND_TLS_INSECURE_SKIP_VERIFY = BACKEND_TLS.value("insecureSkipVerify",
            "insecureSkipVerify", b -> b.bool, Default.of(false), "accept any certificate from https backends");

    public static final Section PROXY = new Section("proxy", ProxyConfig.class, CONFIGURATION);
    public static final Key<List<URI>> PROXY_BACKENDS = PROXY.value("backends", "backends",
            b -> b.list(b.parsed(ConfigValues::backend), "backends like \"http://127.0.0.1:8080\" or \"https://app.internal\"", true),
            Default.required("list at least one, like backends: [\"http://127.0.0.1:8080\"]"), "where requests go");
    public static final Key<Boolean> PROXY_PRESERVE_HOST = PROXY.value("preserveHost", "preserveHost", b -> b.bool,
            Default.of(ProxyConfig.DEFAULT_PRESERVE_HOST), "send the client's Host to the backend");
    public static final Key<Void> PROXY_TIMEOUTS_GROUP = PROXY.group("timeouts", PROXY_TIMEOUTS, "this proxy's timeouts");
    public static final Key<Integer> PROXY_CONNECTIONS = PROXY.value("connections", "connectionsPerBackend",
            b -> b.wholeNumber(1, Integer.MAX_VALUE, "must be at least 1"), Default.of(ProxyConfig.DEFAULT_CONNECTIONS_PER_BACKEND),
            "idle keep-alive connections kept per backend");
    public static final Key<Integer> PROXY_MAX_CONNECTIONS = PROXY.value("maxConnections", "maxConnections",
            b -> b.wholeNumber(0, Integer.MAX_VALUE, "must be 0 (no cap) or more"), Default.of(ProxyConfig.NO_CONNECTION_CAP),
            "the most connections open per backend; 0, no cap");
    public static final Key<Integer> PROXY_QUEUE = PROXY.value("queue", "queueSize",
            b -> b.wholeNumber(0, Integer.MAX_VALUE, "must be 0 or more"), Default.of(ProxyConfig.DEFAULT_QUEUE_SIZE),
            "requests that may wait for a connection");
    public static final Key<ProxyConfig.Balance> PROXY_BALANCE = PROXY.value("balance", "balance",
            b -> b.parsed(ProxyConfig.Balance::parse), Default.of(ProxyConfig.DEFAULT_BALANCE), "how a request's backend is chosen");
    public static final Key<Void> PROXY_HEALTH = PROXY.opening("health", ProxyConfig.class, "health", HEALTH, null,
            "when a backend is taken out, and the active check");
    public static final Key<Integer> PROXY_RETRIES = PROXY.value("retries", "retries",
            b -> b.wholeNumber(0, 100, "must be 0 to 100"), Default.derived("the number of backends - 1 (ProxyConfig.defaultRetries)"),
            "further backends a failed request may try");
    public static final Key<Void> PROXY_TLS = PROXY.opening("tls", ProxyConfig.class, "tls", BACKEND_TLS, null,
            "how https backends' certificates are verified");

    /** A route's {@code proxy}: a vhost's keys and the backend path. */
    public static final Section ROUTE_PROXY = new Section("routes[].proxy", ProxyPath.class, ROUTES, PROXY);
    public static final Key<Template> ROUTE_PROXY_PATH = ROUTE_PROXY.value("path", "template", b -> b.template(Template.Use.PATH),
            Default.none(), "the path sent to the backend");
    public static final Key<Boolean> ROUTE_PROXY_STRIP_PREFIX = ROUTE_PROXY.value("stripPrefix", "stripPrefix", b -> b.bool,
            Default.of(ProxyPath.UNCHANGED.stripPrefix()), "send the path without the route's prefix");

    public static final Section GZIP = new Section("files.gzip", FilesConfig.Gzip.class, CONFIGURATION);
    public static final Key<Boolean> GZIP_ENABLED = GZIP.value("enabled", "enabled", b -> b.bool,
            Default.of(FilesConfig.Gzip.DEFAULTS.enabled()), "compress on the fly");
    public static final Key<Long> GZIP_MIN_SIZE = GZIP.value("minSize", "minSize", b -> b.size,
            Default.of(FilesConfig.Gzip.DEFAULTS.minSize()), "smaller files are sent as they are");
    public static final Key<List<String>> GZIP_TYPES = GZIP.value("types", "types",
            b -> b.list(b.parsed(ConfigValues::compressibleType), "media types like text/*", false),
            Default.of(FilesConfig.Gzip.DEFAULTS.types()), "media types compressed");

    public static final Section CACHE = new Section("files.cache", FilesConfig.Cache.class, CONFIGURATION);
    public static final Key<Duration> CACHE_MAX_AGE = CACHE.value("maxAge", "maxAge", b -> b.duration(true), Default.none(),
            "Cache-Control max-age of file answers");
    public static final Key<Boolean> CACHE_IMMUTABLE = CACHE.value("immutable", "immutable", b -> b.bool,
            Default.of(FilesConfig.Cache.DEFAULTS.immutable()), "adds immutable");

    public static final Section FASTCGI_TIMEOUTS = new Section("files.fastcgi.timeouts", null, CONFIGURATION);
    public static final Key<Duration> FASTCGI_TIMEOUTS_CONNECT = FASTCGI_TIMEOUTS.value("connect", FastCgiConfig.class,
            "connectTimeout", b -> b.duration(false), Default.derived("the top-level timeouts.connect"),
            "opening a FastCGI connection; default the top-level one");
    public static final Key<Duration> FASTCGI_TIMEOUTS_RESPONSE = FASTCGI_TIMEOUTS.value("response", FastCgiConfig.class,
            "responseTimeout", b -> b.duration(false), Default.derived("the top-level timeouts.response"),
            "the script's response head; default the top-level one");
    public static final Key<Duration> FASTCGI_TIMEOUTS_READ = FASTCGI_TIMEOUTS.value("read", FastCgiConfig.class,
            "readTimeout", b -> b.duration(false), Default.derived("the top-level timeouts.read"),
            "between two reads of the script's response body; default the top-level one");

    public static final Section SPAWN = new Section("files.fastcgi.spawn", FastCgiConfig.Spawn.class, CONFIGURATION);
    public static final Key<String> SPAWN_COMMAND = SPAWN.value("command", "command", b -> b.parsed(ConfigValues::spawnCommand),
            Default.of(FastCgiConfig.Spawn.DEFAULT_COMMAND), "php-cgi and its arguments, split at spaces; must be executable");
    public static final Key<Integer> SPAWN_PROCESSES = SPAWN.value("processes", "processes",
            b -> b.wholeNumber(1, 64, "must be 1 to 64"), Default.of(FastCgiConfig.Spawn.DEFAULT_PROCESSES),
            "php-cgi masters, each on its own port (lighttpd max-procs)");
    public static final Key<Integer> SPAWN_CHILDREN = SPAWN.value("children", "children",
            b -> b.wholeNumber(0, 1000, "must be 0 to 1000"), Default.of(FastCgiConfig.Spawn.DEFAULT_CHILDREN),
            "workers per master (PHP_FCGI_CHILDREN)");
    public static final Key<Integer> SPAWN_MAX_REQUESTS = SPAWN.value("maxRequests", "maxRequests",
            b -> b.wholeNumber(1, Integer.MAX_VALUE, "must be 1 or more"), Default.of(FastCgiConfig.Spawn.DEFAULT_MAX_REQUESTS),
            "requests a worker serves before it is replaced (PHP_FCGI_MAX_REQUESTS)");

    public static final Section FASTCGI = new Section("files.fastcgi", FastCgiConfig.class, CONFIGURATION);
    public static final Key<List<URI>> FASTCGI_BACKENDS = FASTCGI.value("backends", "backends",
            b -> b.list(b.parsed(ConfigValues::fastCgiBackend),
                    "FastCGI servers like \"127.0.0.1:9000\" or \"unix:/run/php/php8.2-fpm.sock\"", true),
            Default.of(List.of()), "FastCGI servers, host:port over TCP or unix:/path; required unless spawn is given");
    public static final Key<List<String>> FASTCGI_EXTENSIONS = FASTCGI.value("extensions", "extensions",
            b -> b.list(b.parsed(ConfigValues::fastCgiExtension), "extensions like \".php\"", true),
            Default.of(FastCgiConfig.DEFAULT_EXTENSIONS), "file name endings run through FastCGI, case-sensitive");
    public static final Key<String> FASTCGI_FRONT_CONTROLLER = FASTCGI.value("frontController", "frontController",
            b -> b.parsed(ConfigValues::frontController), Default.none(),
            "script run for paths that name no file or directory, like /index.php (nginx try_files)");
    public static final Key<Integer> FASTCGI_KEEP_ALIVE = FASTCGI.value("keepAlive", "keepAlive",
            b -> b.wholeNumber(0, 100_000, "must be 0 to 100000"),
            Default.derived("maxConnections: all connections when capped, none when not"),
            "idle connections kept open to each FastCGI server, across IO threads (FCGI_KEEP_CONN)");
    public static final Key<Integer> FASTCGI_MAX_CONNECTIONS = FASTCGI.value("maxConnections", "maxConnections",
            b -> b.wholeNumber(0, 100_000, "must be 0 to 100000"),
            Default.derived("spawn's children (its workers); 0, no cap, for backends (FastCgiConfig.defaultMaxConnections)"),
            "connections open at once to each FastCGI server, across IO threads; more requests wait in the gateway");
    public static final Key<Void> FASTCGI_TIMEOUTS_GROUP = FASTCGI.group("timeouts", FASTCGI_TIMEOUTS, "the FastCGI timeouts");
    public static final Key<Void> FASTCGI_SPAWN = FASTCGI.opening("spawn", FastCgiConfig.class, "spawn", SPAWN, null,
            "php-cgi processes the gateway runs as the servers, instead of backends");

    public static final Section FILES = new Section("files", FilesConfig.class, CONFIGURATION);
    public static final Key<String> FILES_ROOT = FILES.value("root", "root", Binders::root,
            Default.required("give the document root, like root: /var/www/%0"), "the document root, with evhost tokens");
    public static final Key<Path> FILES_FALLBACK_ROOT = FILES.value("fallbackRoot", "fallbackRoot", Binders::path, Default.none(),
            "served when root's directory does not exist");
    public static final Key<List<String>> FILES_INDEX = FILES.value("index", "index",
            b -> b.list(b.parsed(ConfigValues::indexName), "file names like index.html", false), Default.of(FilesConfig.DEFAULT_INDEX),
            "file names tried for a directory");
    public static final Key<List<String>> FILES_DENY = FILES.value("deny", "deny",
            b -> b.list(b.parsed(ConfigValues::denySuffix), "path suffixes like \".inc\"", false), Default.of(List.of()),
            "path suffixes answered 403");
    public static final Key<List<String>> FILES_STATIC_EXCLUDE = FILES.value("staticExclude", "staticExclude",
            b -> b.list(b.parsed(ConfigValues::staticExtension), "extensions like \".php\"", false),
            Default.of(FilesConfig.DEFAULT_STATIC_EXCLUDE), "extensions never sent as files, answered 403");
    public static final Key<Boolean> FILES_LISTING = FILES.value("listing", "listing", b -> b.bool, Default.of(false),
            "list a directory without an index file");
    public static final Key<List<Pattern>> FILES_NO_RANGES = FILES.value("noRanges", "noRanges",
            b -> b.list(b.parsed(ConfigValues::regex), "regexes like '\\.pdf$'", false), Default.of(List.of()),
            "paths served without range support");
    public static final Key<Map<String, String>> FILES_MIME_TYPES = FILES.value("mimeTypes", "mimeTypes",
            b -> b.keyed(ConfigValues::extension, b.parsed(ConfigValues::mediaType)), Default.of(Map.of()), "Content-Type by extension");
    public static final Key<Boolean> FILES_PRECOMPRESSED = FILES.value("precompressed", "precompressed", b -> b.bool,
            Default.of(FilesConfig.DEFAULT_PRECOMPRESSED), "serve .br and .gz siblings");
    public static final Key<Void> FILES_GZIP = FILES.opening("gzip", FilesConfig.class, "gzip", GZIP, null, "on-the-fly gzip");
    public static final Key<Void> FILES_CACHE = FILES.opening("cache", FilesConfig.class, "cache", CACHE, null,
            "Cache-Control of file answers");
    public static final Key<FilesConfig.Dotfiles> FILES_DOTFILES = FILES.value("dotfiles", "dotfiles",
            b -> b.choice(FilesConfig.Dotfiles.values()), Default.of(FilesConfig.DEFAULT_DOTFILES), "deny or allow paths with a dot segment");
    public static final Key<Map<Integer, String>> FILES_ERROR_PAGES = FILES.value("errorPages", "errorPages",
            b -> b.keyed(ConfigValues::errorStatus, b.parsed(ConfigValues::errorPage)), Default.of(Map.of()),
            "pages served with an error status");
    public static final Key<FilesConfig.Symlinks> FILES_SYMLINKS = FILES.value("symlinks", "symlinks",
            b -> b.choice(FilesConfig.Symlinks.values()), Default.of(FilesConfig.DEFAULT_SYMLINKS), "which symbolic links are followed");
    public static final Key<Void> FILES_FASTCGI = FILES.opening("fastcgi", FilesConfig.class, "fastcgi", FASTCGI, null,
            "run scripts through FastCGI servers");

    public static final Section ECHO = new Section("echo", EchoConfig.class, CONFIGURATION);

    public static final Section REDIRECT = new Section("redirect", RedirectConfig.class, ROUTES);
    public static final Key<Template> REDIRECT_TO = REDIRECT.value("to", "to", b -> b.template(Template.Use.TARGET),
            Default.required("give the target, like to: /new/$1 or to: https://example.com/"), "the target, a path or an absolute URL");
    public static final Key<Integer> REDIRECT_STATUS = REDIRECT.value("status", "status", b -> b.oneOf(RedirectConfig.STATUSES),
            Default.of(RedirectConfig.DEFAULT_STATUS), "301, 302, 303, 307 or 308");

    public static final Section RESPOND = new Section("respond", RespondConfig.class, ROUTES);
    public static final Key<Integer> RESPOND_STATUS = RESPOND.value("status", "status",
            b -> b.wholeNumber(200, 599, "must be 200 to 599"), Default.required("give the status, like status: 403"), "the status");
    public static final Key<String> RESPOND_BODY = RESPOND.value("body", "body", b -> b.text, Default.none(), "the body as written");
    public static final Key<List<HeaderRules.Header>> RESPOND_HEADERS = RESPOND.value("headers", "headers", Binders::headerValues,
            Default.of(List.of()), "response headers");

    public static final Section REWRITE = new Section("rewrite", RewriteConfig.class, ROUTES);
    public static final Key<Template> REWRITE_TO = REWRITE.value("to", "to", b -> b.template(Template.Use.PATH),
            Default.required("give the new path, like to: /index.php?q=$1"), "the new path");

    public static final Section HEADER = new Section("routes[].header", HeaderCondition.class, ROUTES);
    public static final Key<String> HEADER_NAME = HEADER.value("name", "name", b -> b.parsed(ConfigValues::headerName),
            Default.required("give the header to test, like name: X-Env"), "the request header tested");
    public static final Key<Regex> HEADER_MATCHES = HEADER.value("matches", "matches",
            b -> b.parsed(value -> new Regex(ConfigValues.regex(value))), Default.none(), "a regex one of its values must contain");

    /** A header change: the names it takes are those of the side it is read for ({@link Binders#forRequestHeaders}). */
    public static final Section HEADER_OPERATIONS = new Section("routes[].headers.request|response",
            HeaderRules.Operations.class, ROUTES);
    public static final Key<List<HeaderRules.Header>> HEADERS_SET = HEADER_OPERATIONS.value("set", "set", Binders::headerValues,
            Default.of(List.of()), "headers given this one value");
    public static final Key<List<HeaderRules.Header>> HEADERS_ADD = HEADER_OPERATIONS.value("add", "add", Binders::headerValues,
            Default.of(List.of()), "one more value for a header");
    public static final Key<List<String>> HEADERS_REMOVE = HEADER_OPERATIONS.value("remove", "remove",
            b -> b.list(b.headerName(), "header names like X-Powered-By", false), Default.of(List.of()), "headers removed");

    public static final Section HEADERS = new Section("routes[].headers", HeaderRules.class, ROUTES);
    public static final Key<Void> HEADERS_REQUEST = HEADERS.opening("request", HeaderRules.class, "request", HEADER_OPERATIONS, null,
            "changes to the request headers");
    public static final Key<Void> HEADERS_RESPONSE = HEADERS.opening("response", HeaderRules.class, "response", HEADER_OPERATIONS, null,
            "changes to the response headers");

    public static final Section ROUTE = new Section("routes[]", Route.class, ROUTES);
    public static final Key<String> ROUTE_PATH = ROUTE.value("path", "path", b -> b.parsed(ConfigValues::routePrefix), Default.none(),
            "a prefix of the path");
    public static final Key<Regex> ROUTE_MATCH = ROUTE.value("match", "match",
            b -> b.parsed(value -> new Regex(ConfigValues.routeRegex(value))), Default.none(), "a regex searched in the path");
    public static final Key<List<String>> ROUTE_METHODS = ROUTE.value("methods", "methods",
            b -> b.list(b.parsed(ConfigValues::method), "methods like GET", true), Default.of(List.of()), "request methods taken");
    public static final Key<Void> ROUTE_HEADER = ROUTE.opening("header", Route.class, "header", HEADER, null,
            "a condition on a request header");
    public static final Key<Void> ROUTE_PROXY_ACTION = ROUTE.group("proxy", ROUTE_PROXY, "forward to backends");
    public static final Key<Void> ROUTE_FILES = ROUTE.group("files", FILES, "serve a document root");
    public static final Key<Void> ROUTE_ECHO = ROUTE.group("echo", ECHO, "answer with the request");
    public static final Key<Void> ROUTE_REDIRECT = ROUTE.group("redirect", REDIRECT, "answer with a redirect");
    public static final Key<Void> ROUTE_RESPOND = ROUTE.group("respond", RESPOND, "answer with a fixed response");
    public static final Key<Void> ROUTE_REWRITE = ROUTE.group("rewrite", REWRITE, "rewrite the path, then the next routes");
    public static final Key<Void> ROUTE_HEADERS = ROUTE.opening("headers", Route.class, "headers", HEADERS, null, "header changes");
    /** The action keys of a route: exactly one per route. */
    public static final List<Key<Void>> ROUTE_ACTIONS = List.of(ROUTE_PROXY_ACTION, ROUTE_FILES, ROUTE_ECHO, ROUTE_REDIRECT,
            ROUTE_RESPOND, ROUTE_REWRITE);

    public static final Section CERTIFICATE = new Section("tls.certificates[]", CertificateFiles.class, CONFIGURATION);
    public static final Key<Path> CERTIFICATE_CERT = CERTIFICATE.value("cert", "cert", Binders::path,
            Default.required("give the PEM certificate chain, like cert: /etc/letsencrypt/live/example.com/fullchain.pem"),
            "the PEM certificate chain, leaf first");
    public static final Key<Path> CERTIFICATE_KEY = CERTIFICATE.value("key", "key", Binders::path,
            Default.required("give the PEM private key, like key: /etc/letsencrypt/live/example.com/privkey.pem"),
            "the PEM private key of the leaf");

    public static final Section TLS = new Section("tls", TlsConfig.class, CONFIGURATION);
    public static final Key<Void> TLS_CERTIFICATES = TLS.opening("certificates", TlsConfig.class, "certificates", CERTIFICATE,
            null, "certificates chosen by SNI; the first is the default");
    public static final Key<List<String>> TLS_PROTOCOLS = TLS.value("protocols", "protocols",
            b -> b.distinctList(b.parsed(TlsParameters::protocol), "protocols: TLSv1.3, TLSv1.2", "in tls.protocols"),
            Default.of(List.of("TLSv1.3", "TLSv1.2")), "TLS versions accepted");
    public static final Key<List<String>> TLS_CIPHERS = TLS.value("ciphers", "ciphers",
            b -> b.distinctList(b.parsed(TlsParameters::cipherSuite), "TLS 1.2 suites like TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "in tls.ciphers"),
            // Mozilla's "intermediate" TLS 1.2 suites (server side TLS guidelines 5.7), in IANA names.
            Default.of(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256")),
            "TLS 1.2 cipher suites, in server preference order");

    public static final Section VHOST_TLS = new Section("vhosts[].tls", VhostTls.class, CONFIGURATION);
    public static final Key<Void> VHOST_TLS_CERTIFICATE = VHOST_TLS.opening("certificate", VhostTls.class, "certificate",
            CERTIFICATE, null, "this vhost's own certificate, for the names its hosts match");
    public static final Key<Boolean> VHOST_TLS_REDIRECT = VHOST_TLS.value("redirect", "redirect", b -> b.bool, Default.of(false),
            "redirect plain HTTP to HTTPS");
    public static final Key<String> VHOST_TLS_HSTS = VHOST_TLS.value("hsts", "hsts", b -> b.parsed(TlsParameters::hsts),
            Default.none(), "the Strict-Transport-Security header over TLS");

    public static final Section VHOST = new Section("vhosts[]", VirtualHost.class, CONFIGURATION);
    public static final Key<String> VHOST_NAME = VHOST.value("name", "name", b -> b.parsed(ConfigValues::notEmpty),
            Default.derived("its first host"), "a label for logs and metrics");
    public static final Key<List<String>> VHOST_HOSTS = VHOST.value("hosts", "hosts",
            b -> b.distinctList(b.parsed(ConfigValues::hostPattern), "host names like example.com", "in this vhost"),
            Default.required("give the names this vhost answers, like hosts: [example.com]"), "the host names answered");
    public static final Key<List<ListenAddress>> VHOST_LISTEN = VHOST.value("listen", "listen",
            b -> b.list(b.parsed(ConfigValues::listen), "listen addresses like \"127.0.0.1:9000\"", true),
            Default.derived("the top-level listen: an empty list, which a VirtualHost takes to mean it"), "this vhost's own listeners");
    public static final Key<Void> VHOST_PROXY = VHOST.group("proxy", PROXY, "the single action: forward to backends");
    public static final Key<Void> VHOST_FILES = VHOST.group("files", FILES, "the single action: serve a document root");
    public static final Key<Void> VHOST_ECHO = VHOST.group("echo", ECHO, "the single action: answer with the request");
    public static final Key<Void> VHOST_ROUTES = VHOST.opening("routes", VirtualHost.class, "routes", ROUTE, null, "ordered routes");
    public static final Key<Void> VHOST_TLS_GROUP = VHOST.opening("tls", VirtualHost.class, "tls", VHOST_TLS, null,
            "its certificate, HTTPS redirect and HSTS");
    /** The actions a vhost may have instead of routes. */
    public static final List<Key<Void>> VHOST_ACTIONS = List.of(VHOST_PROXY, VHOST_FILES, VHOST_ECHO);

    public static final Section TOP = new Section("", GatewayConfig.class, CONFIGURATION);
    public static final Key<List<ListenAddress>> LISTEN = TOP.value("listen", "listen",
            b -> b.list(b.parsed(ConfigValues::listen), "listen addresses like \"0.0.0.0:80\"", true),
            Default.of(GatewayConfig.DEFAULT_LISTEN), "listeners of vhosts without their own");
    public static final Key<Void> TOP_FORWARDED = TOP.opening("forwarded", GatewayConfig.class, "forwarded", FORWARDED, null,
            "forwarding headers");
    public static final Key<Void> TOP_TIMEOUTS = TOP.opening("timeouts", GatewayConfig.class, "timeouts", TIMEOUTS, null,
            "how long Gatehouse waits");
    public static final Key<Void> TOP_LIMITS = TOP.opening("limits", GatewayConfig.class, "limits", LIMITS, null, "request size limits");
    public static final Key<Void> TOP_ACCESS_LOG = TOP.opening("accessLog", GatewayConfig.class, "accessLog", ACCESS_LOG, null,
            "the access log");
    public static final Key<Void> TOP_LOG = TOP.opening("log", GatewayConfig.class, "log", LOG, null, "the operator log");
    public static final Key<Void> TOP_SHUTDOWN = TOP.opening("shutdown", GatewayConfig.class, "shutdown", SHUTDOWN, null, "graceful stop");
    public static final Key<Void> TOP_ADMIN = TOP.opening("admin", GatewayConfig.class, "admin", ADMIN, null,
            "the daemon's admin listener");
    public static final Key<Void> VHOSTS = TOP.opening("vhosts", GatewayConfig.class, "vhosts", VHOST,
            Default.required("list at least one vhost, like: vhosts: [{hosts: [\"*\"], echo: {}}]"), "the virtual hosts");
    public static final Key<Path> PID_FILE = TOP.value("pidFile", "pidFile", Binders::path, Default.none(),
            "where the daemon writes its process id");
    public static final Key<Boolean> WATCH = TOP.value("watch", "watch", b -> b.bool, Default.of(false), "reload when the file changes");
    public static final Key<Void> TOP_TLS = TOP.opening("tls", GatewayConfig.class, "tls", TLS, null,
            "certificates, protocols and ciphers of the tls listeners");

    /** Every section, for the table's checks. */
    public static final List<Section> SECTIONS = List.of(TOP, FORWARDED, TIMEOUTS, LIMITS, HTTP2, ACCESS_LOG, LOG, SHUTDOWN, ADMIN,
            VHOST, VHOST_TLS, TLS, CERTIFICATE, ROUTE, PROXY, PROXY_TIMEOUTS, HEALTH, BACKEND_TLS, ROUTE_PROXY, FILES, GZIP, CACHE, FASTCGI, FASTCGI_TIMEOUTS, SPAWN, ECHO, REDIRECT, RESPOND, REWRITE,
            HEADER, HEADERS, HEADER_OPERATIONS);

    /**
     * Record components that no key fills, each with where its value comes from. {@code /config} shows them by
     * these rules too: an action under its key, a proxy route's path in its {@code proxy}, the active check's
     * keys in {@code health}; the others not at all.
     */
    public static final Map<String, String> NOT_KEYS = Map.of(
            "GatewayConfig.source", "the file the configuration was read from",
            "Route.action", "one of the action keys (proxy, files, echo, redirect, respond, rewrite)",
            "Route.proxyPath", "routes[].proxy.path and stripPrefix",
            "Route.origin", "where the route was written",
            "CertificateFiles.origin", "where its cert was written",
            "VirtualHost.hostsAt", "where each host was written",
            "Health.check", "health.path, interval and expect",
            "Header.name", "the key of a header mapping entry",
            "Header.value", "the value of a header mapping entry");

    /** Values written as one scalar: records, but not mappings of keys. */
    public static final Set<Class<?>> SCALARS = Set.of(ListenAddress.class, Cidr.class, Regex.class, Template.class);

    /**
     * The key that fills {@code component} of {@code type}, if one does.
     *
     * @param type      a config record
     * @param component one of its components' names
     * @return the key, or empty for a component no key fills ({@link #NOT_KEYS})
     */
    public static Optional<Key<?>> filling(Class<?> type, String component) {
        return SECTIONS.stream().flatMap(section -> section.keys().stream())
                .filter(key -> key.fills(type, component)).findFirst();
    }

    /** @return every key, each once */
    public static Stream<Key<?>> all() {
        return SECTIONS.stream().flatMap(section -> section.keys().stream()).distinct();
    }

    /**
     * How YAML writes a choice.
     *
     * @param choice a config enum's constant
     * @return like {@code round-robin}, {@code inside-root}, {@code x-forwarded}, {@code combined}
     */
    public static String spelling(Enum<?> choice) {
        return choice.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
