package io.gatehouse.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The YAML keys, each declared once: its name, the mapping it belongs to, the record component it fills and a doc
 * line. {@link ConfigReader} takes the key names and each mapping's valid keys from here (so the "valid keys here"
 * of an unknown key is this table), {@link GatewayConfigBuilder} writes under these names, the daemon's
 * {@code /config} names each record component by the key that fills it, and {@code gatehouse check} labels values
 * with these names. {@code KeysTableTest} checks that every component of the config records is filled by exactly
 * one key (or is {@link #NOT_KEYS one that no key fills}) and that every key is documented.
 *
 * <p>Value parsers and defaults stay with the reader and the records ({@code ProxyConfig.DEFAULT_*}): the defaults
 * that depend on other keys (a proxy's timeouts, {@code retries}) are the reader's.
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
     */
    public record Key(Section section, String name, String doc, Class<? extends Record> record, String component,
                      Section opens) {

        /** The key path for messages and reports: {@code proxy.health.failures}, {@code shutdown.drainTimeout}. */
        public String path() {
            return section.path().isEmpty() ? name : section.path() + "." + name;
        }

        /** Whether this key fills {@code component} of {@code type}. */
        public boolean fills(Class<?> type, String componentName) {
            return record == type && component.equals(componentName);
        }
    }

    /** A YAML mapping and its keys, in the order that messages list them. */
    public static final class Section {
        private final String path;
        private final Class<? extends Record> record;
        private final String doc;
        private final List<Key> keys;

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

        private Section(String path, Class<? extends Record> record, String doc, List<Key> inherited) {
            this.path = path;
            this.record = record;
            this.doc = doc;
            this.keys = new ArrayList<>(inherited);
        }

        public String path() {
            return path;
        }

        public Class<? extends Record> record() {
            return record;
        }

        public String doc() {
            return doc;
        }

        /** The keys, in order. */
        public List<Key> keys() {
            return Collections.unmodifiableList(keys);
        }

        /** The key names, in order. */
        public List<String> names() {
            return keys.stream().map(Key::name).toList();
        }

        private Key key(String name, String component, String doc) {
            return key(name, record, component, null, doc);
        }

        private Key key(String name, Class<? extends Record> type, String component, Section opens, String doc) {
            Key key = new Key(this, name, doc, type, component, opens);
            keys.add(key);
            return key;
        }

        private Key group(String name, Section opens, String doc) {
            return key(name, null, "", opens, doc);
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
    public static final Key FORWARDED_TRUSTED = FORWARDED.key("trusted", "trusted",
            "peers whose forwarding headers are believed");
    public static final Key FORWARDED_EMIT = FORWARDED.key("emit", "emit", "header families set toward backends");
    public static final Key FORWARDED_REAL_IP_HEADER = FORWARDED.key("realIpHeader", "realIpHeader",
            "send the client's address as X-Real-IP");
    public static final Key FORWARDED_ECHO_REQUEST_ID = FORWARDED.key("echoRequestId", "echoRequestId",
            "return X-Request-Id to the client");
    public static final Key FORWARDED_STRIP = FORWARDED.key("strip", "strip",
            "more request headers stripped from untrusted peers");
    public static final Key FORWARDED_UNDERSCORES = FORWARDED.key("underscoresInHeaders", "underscores",
            "request headers with '_' in their names: drop or keep");

    public static final Section TIMEOUTS = new Section("timeouts", Timeouts.class, CONFIGURATION);
    public static final Key TIMEOUTS_CONNECT = TIMEOUTS.key("connect", "connect", "opening a backend connection");
    public static final Key TIMEOUTS_RESPONSE = TIMEOUTS.key("response", "response", "a backend's response once the request is sent");
    public static final Key TIMEOUTS_IDLE = TIMEOUTS.key("idle", "idle", "a client connection with nothing to do");
    public static final Key TIMEOUTS_REQUEST_HEADER = TIMEOUTS.key("requestHeader", "requestHeader",
            "a request's header section, from its first byte");

    public static final Section LIMITS = new Section("limits", Limits.class, CONFIGURATION);
    public static final Key LIMITS_MAX_BODY = LIMITS.key("maxBody", "maxBody", "largest request body");
    public static final Key LIMITS_MAX_HEADER_BYTES = LIMITS.key("maxHeaderBytes", "maxHeaderBytes", "largest request header section");
    public static final Key LIMITS_MAX_HEADERS = LIMITS.key("maxHeaders", "maxHeaders", "most header fields in a request");
    public static final Key LIMITS_MAX_URI_BYTES = LIMITS.key("maxUriBytes", "maxUriBytes", "longest request target");
    public static final Key LIMITS_ENCODED_SLASHES = LIMITS.key("encodedSlashes", "encodedSlashes",
            "what routes make of %2F in a path");

    public static final Section ACCESS_LOG = new Section("accessLog", AccessLogConfig.class, CONFIGURATION);
    public static final Key ACCESS_LOG_PATH = ACCESS_LOG.key("path", "path", "\"-\" (standard output), off, or a file");
    public static final Key ACCESS_LOG_FORMAT = ACCESS_LOG.key("format", "format", "common, combined or json");

    public static final Section LOG = new Section("log", LogConfig.class, CONFIGURATION);
    public static final Key LOG_REPEAT_INTERVAL = LOG.key("repeatInterval", "repeatInterval",
            "how often a repeating warning is summarised");

    public static final Section SHUTDOWN = new Section("shutdown", ShutdownConfig.class, CONFIGURATION);
    public static final Key SHUTDOWN_DRAIN_TIMEOUT = SHUTDOWN.key("drainTimeout", "drainTimeout",
            "how long a stop waits for requests in flight");

    public static final Section ADMIN = new Section("admin", AdminConfig.class, CONFIGURATION);
    public static final Key ADMIN_LISTEN = ADMIN.key("listen", "listen", "the admin listener's address");
    public static final Key ADMIN_HOSTS = ADMIN.key("hosts", "hosts", "Host names the admin listener answers");

    public static final Section PROXY_TIMEOUTS = new Section("proxy.timeouts", null, CONFIGURATION);
    public static final Key PROXY_TIMEOUTS_CONNECT = PROXY_TIMEOUTS.key("connect", ProxyConfig.class, "connectTimeout", null,
            "opening a backend connection; default the top-level one");
    public static final Key PROXY_TIMEOUTS_RESPONSE = PROXY_TIMEOUTS.key("response", ProxyConfig.class, "responseTimeout", null,
            "the backend's response; default the top-level one");
    public static final Key PROXY_TIMEOUTS_IDLE = PROXY_TIMEOUTS.key("idle", ProxyConfig.class, "idleTimeout", null,
            "an unused pooled backend connection is closed");

    public static final Section HEALTH = new Section("proxy.health", ProxyConfig.Health.class, CONFIGURATION);
    public static final Key HEALTH_FAILURES = HEALTH.key("failures", "failures", "failed connections in a row that take a backend out");
    public static final Key HEALTH_COOL_OFF = HEALTH.key("coolOff", "coolOff", "how long a backend stays out");
    public static final Key HEALTH_PATH = HEALTH.key("path", ProxyConfig.Check.class, "path", null, "turns the active check on");
    public static final Key HEALTH_INTERVAL = HEALTH.key("interval", ProxyConfig.Check.class, "interval", null, "between active checks");
    public static final Key HEALTH_EXPECT = HEALTH.key("expect", ProxyConfig.Check.class, "expect", null, "the status of a passing check");

    public static final Section PROXY = new Section("proxy", ProxyConfig.class, CONFIGURATION);
    public static final Key PROXY_BACKENDS = PROXY.key("backends", "backends", "where requests go");
    public static final Key PROXY_PRESERVE_HOST = PROXY.key("preserveHost", "preserveHost", "send the client's Host to the backend");
    public static final Key PROXY_TIMEOUTS_GROUP = PROXY.group("timeouts", PROXY_TIMEOUTS, "this proxy's timeouts");
    public static final Key PROXY_CONNECTIONS = PROXY.key("connections", "connectionsPerBackend",
            "idle keep-alive connections kept per backend");
    public static final Key PROXY_MAX_CONNECTIONS = PROXY.key("maxConnections", "maxConnections",
            "the most connections open per backend; 0, no cap");
    public static final Key PROXY_QUEUE = PROXY.key("queue", "queueSize", "requests that may wait for a connection");
    public static final Key PROXY_BALANCE = PROXY.key("balance", "balance", "how a request's backend is chosen");
    public static final Key PROXY_HEALTH = PROXY.key("health", ProxyConfig.class, "health", HEALTH,
            "when a backend is taken out, and the active check");
    public static final Key PROXY_RETRIES = PROXY.key("retries", "retries", "further backends a failed request may try");

    /** A route's {@code proxy}: a vhost's keys and the backend path. */
    public static final Section ROUTE_PROXY = new Section("routes[].proxy", ProxyPath.class, ROUTES, PROXY);
    public static final Key ROUTE_PROXY_PATH = ROUTE_PROXY.key("path", "template", "the path sent to the backend");
    public static final Key ROUTE_PROXY_STRIP_PREFIX = ROUTE_PROXY.key("stripPrefix", "stripPrefix",
            "send the path without the route's prefix");

    public static final Section GZIP = new Section("files.gzip", FilesConfig.Gzip.class, CONFIGURATION);
    public static final Key GZIP_ENABLED = GZIP.key("enabled", "enabled", "compress on the fly");
    public static final Key GZIP_MIN_SIZE = GZIP.key("minSize", "minSize", "smaller files are sent as they are");
    public static final Key GZIP_TYPES = GZIP.key("types", "types", "media types compressed");

    public static final Section CACHE = new Section("files.cache", FilesConfig.Cache.class, CONFIGURATION);
    public static final Key CACHE_MAX_AGE = CACHE.key("maxAge", "maxAge", "Cache-Control max-age of file answers");
    public static final Key CACHE_IMMUTABLE = CACHE.key("immutable", "immutable", "adds immutable");

    public static final Section FILES = new Section("files", FilesConfig.class, CONFIGURATION);
    public static final Key FILES_ROOT = FILES.key("root", "root", "the document root, with evhost tokens");
    public static final Key FILES_FALLBACK_ROOT = FILES.key("fallbackRoot", "fallbackRoot", "served when root's directory does not exist");
    public static final Key FILES_INDEX = FILES.key("index", "index", "file names tried for a directory");
    public static final Key FILES_DENY = FILES.key("deny", "deny", "path suffixes answered 403");
    public static final Key FILES_LISTING = FILES.key("listing", "listing", "list a directory without an index file");
    public static final Key FILES_NO_RANGES = FILES.key("noRanges", "noRanges", "paths served without range support");
    public static final Key FILES_MIME_TYPES = FILES.key("mimeTypes", "mimeTypes", "Content-Type by extension");
    public static final Key FILES_PRECOMPRESSED = FILES.key("precompressed", "precompressed", "serve .br and .gz siblings");
    public static final Key FILES_GZIP = FILES.key("gzip", FilesConfig.class, "gzip", GZIP, "on-the-fly gzip");
    public static final Key FILES_CACHE = FILES.key("cache", FilesConfig.class, "cache", CACHE, "Cache-Control of file answers");
    public static final Key FILES_DOTFILES = FILES.key("dotfiles", "dotfiles", "deny or allow paths with a dot segment");
    public static final Key FILES_ERROR_PAGES = FILES.key("errorPages", "errorPages", "pages served with an error status");
    public static final Key FILES_SYMLINKS = FILES.key("symlinks", "symlinks", "which symbolic links are followed");

    public static final Section ECHO = new Section("echo", EchoConfig.class, CONFIGURATION);

    public static final Section REDIRECT = new Section("redirect", RedirectConfig.class, ROUTES);
    public static final Key REDIRECT_TO = REDIRECT.key("to", "to", "the target, a path or an absolute URL");
    public static final Key REDIRECT_STATUS = REDIRECT.key("status", "status", "301, 302, 303, 307 or 308");

    public static final Section RESPOND = new Section("respond", RespondConfig.class, ROUTES);
    public static final Key RESPOND_STATUS = RESPOND.key("status", "status", "the status");
    public static final Key RESPOND_BODY = RESPOND.key("body", "body", "the body as written");
    public static final Key RESPOND_HEADERS = RESPOND.key("headers", "headers", "response headers");

    public static final Section REWRITE = new Section("rewrite", RewriteConfig.class, ROUTES);
    public static final Key REWRITE_TO = REWRITE.key("to", "to", "the new path");

    public static final Section HEADER = new Section("routes[].header", HeaderCondition.class, ROUTES);
    public static final Key HEADER_NAME = HEADER.key("name", "name", "the request header tested");
    public static final Key HEADER_MATCHES = HEADER.key("matches", "matches", "a regex one of its values must contain");

    public static final Section HEADER_OPERATIONS = new Section("routes[].headers.request|response",
            HeaderRules.Operations.class, ROUTES);
    public static final Key HEADERS_SET = HEADER_OPERATIONS.key("set", "set", "headers given this one value");
    public static final Key HEADERS_ADD = HEADER_OPERATIONS.key("add", "add", "one more value for a header");
    public static final Key HEADERS_REMOVE = HEADER_OPERATIONS.key("remove", "remove", "headers removed");

    public static final Section HEADERS = new Section("routes[].headers", HeaderRules.class, ROUTES);
    public static final Key HEADERS_REQUEST = HEADERS.key("request", HeaderRules.class, "request", HEADER_OPERATIONS,
            "changes to the request headers");
    public static final Key HEADERS_RESPONSE = HEADERS.key("response", HeaderRules.class, "response", HEADER_OPERATIONS,
            "changes to the response headers");

    public static final Section ROUTE = new Section("routes[]", Route.class, ROUTES);
    public static final Key ROUTE_PATH = ROUTE.key("path", "path", "a prefix of the path");
    public static final Key ROUTE_MATCH = ROUTE.key("match", "match", "a regex searched in the path");
    public static final Key ROUTE_METHODS = ROUTE.key("methods", "methods", "request methods taken");
    public static final Key ROUTE_HEADER = ROUTE.key("header", Route.class, "header", HEADER, "a condition on a request header");
    public static final Key ROUTE_PROXY_ACTION = ROUTE.group("proxy", ROUTE_PROXY, "forward to backends");
    public static final Key ROUTE_FILES = ROUTE.group("files", FILES, "serve a document root");
    public static final Key ROUTE_ECHO = ROUTE.group("echo", ECHO, "answer with the request");
    public static final Key ROUTE_REDIRECT = ROUTE.group("redirect", REDIRECT, "answer with a redirect");
    public static final Key ROUTE_RESPOND = ROUTE.group("respond", RESPOND, "answer with a fixed response");
    public static final Key ROUTE_REWRITE = ROUTE.group("rewrite", REWRITE, "rewrite the path, then the next routes");
    public static final Key ROUTE_HEADERS = ROUTE.key("headers", Route.class, "headers", HEADERS, "header changes");
    /** The action keys of a route: exactly one per route. */
    public static final List<Key> ROUTE_ACTIONS = List.of(ROUTE_PROXY_ACTION, ROUTE_FILES, ROUTE_ECHO, ROUTE_REDIRECT,
            ROUTE_RESPOND, ROUTE_REWRITE);

    public static final Section VHOST = new Section("vhosts[]", VirtualHost.class, CONFIGURATION);
    public static final Key VHOST_NAME = VHOST.key("name", "name", "a label for logs and metrics");
    public static final Key VHOST_HOSTS = VHOST.key("hosts", "hosts", "the host names answered");
    public static final Key VHOST_LISTEN = VHOST.key("listen", "listen", "this vhost's own listeners");
    public static final Key VHOST_PROXY = VHOST.group("proxy", PROXY, "the single action: forward to backends");
    public static final Key VHOST_FILES = VHOST.group("files", FILES, "the single action: serve a document root");
    public static final Key VHOST_ECHO = VHOST.group("echo", ECHO, "the single action: answer with the request");
    public static final Key VHOST_ROUTES = VHOST.key("routes", VirtualHost.class, "routes", ROUTE, "ordered routes");
    /** The actions a vhost may have instead of routes. */
    public static final List<Key> VHOST_ACTIONS = List.of(VHOST_PROXY, VHOST_FILES, VHOST_ECHO);

    public static final Section TOP = new Section("", GatewayConfig.class, CONFIGURATION);
    public static final Key LISTEN = TOP.key("listen", "listen", "listeners of vhosts without their own");
    public static final Key TOP_FORWARDED = TOP.key("forwarded", GatewayConfig.class, "forwarded", FORWARDED, "forwarding headers");
    public static final Key TOP_TIMEOUTS = TOP.key("timeouts", GatewayConfig.class, "timeouts", TIMEOUTS, "how long Gatehouse waits");
    public static final Key TOP_LIMITS = TOP.key("limits", GatewayConfig.class, "limits", LIMITS, "request size limits");
    public static final Key TOP_ACCESS_LOG = TOP.key("accessLog", GatewayConfig.class, "accessLog", ACCESS_LOG, "the access log");
    public static final Key TOP_LOG = TOP.key("log", GatewayConfig.class, "log", LOG, "the operator log");
    public static final Key TOP_SHUTDOWN = TOP.key("shutdown", GatewayConfig.class, "shutdown", SHUTDOWN, "graceful stop");
    public static final Key TOP_ADMIN = TOP.key("admin", GatewayConfig.class, "admin", ADMIN, "the daemon's admin listener");
    public static final Key VHOSTS = TOP.key("vhosts", GatewayConfig.class, "vhosts", VHOST, "the virtual hosts");
    public static final Key PID_FILE = TOP.key("pidFile", "pidFile", "where the daemon writes its process id");
    public static final Key WATCH = TOP.key("watch", "watch", "reload when the file changes");

    /** Every section, for the table's checks. */
    public static final List<Section> SECTIONS = List.of(TOP, FORWARDED, TIMEOUTS, LIMITS, ACCESS_LOG, LOG, SHUTDOWN, ADMIN,
            VHOST, ROUTE, PROXY, PROXY_TIMEOUTS, HEALTH, ROUTE_PROXY, FILES, GZIP, CACHE, ECHO, REDIRECT, RESPOND, REWRITE,
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
            "Health.check", "health.path, interval and expect",
            "Header.name", "the key of a header mapping entry",
            "Header.value", "the value of a header mapping entry");

    /** Values written as one scalar: records, but not mappings of keys. */
    public static final Set<Class<?>> SCALARS = Set.of(ListenAddress.class, Cidr.class, Regex.class, Template.class);

    /** The key that fills {@code component} of {@code type}, if one does. */
    public static Optional<Key> filling(Class<?> type, String component) {
        return SECTIONS.stream().flatMap(section -> section.keys().stream())
                .filter(key -> key.fills(type, component)).findFirst();
    }

    /** Every key, each once. */
    public static Stream<Key> all() {
        return SECTIONS.stream().flatMap(section -> section.keys().stream()).distinct();
    }

    /** How YAML writes a choice: {@code round-robin}, {@code inside-root}, {@code x-forwarded}, {@code combined}. */
    public static String spelling(Enum<?> choice) {
        return choice.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
