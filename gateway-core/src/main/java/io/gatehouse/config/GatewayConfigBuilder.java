package io.gatehouse.config;

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

    /** {@code accessLog}: {@code "-"} (stdout), {@code "off"}, or a file, and its format. */
    public GatewayConfigBuilder accessLog(String path, AccessLogConfig.Format format) {
        Map<String, Object> accessLog = section(root, "accessLog");
        accessLog.put("path", path);
        accessLog.put("format", format);
        return this;
    }

    /** {@code shutdown.drainTimeout}. */
    public GatewayConfigBuilder drainTimeout(Duration timeout) {
        section(root, "shutdown").put("drainTimeout", timeout);
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

    /** One entry of {@code vhosts}; give {@code hosts} and exactly one of proxy, files, echo. */
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
    }

    /** The {@code proxy} of a vhost. */
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

        /** {@code connections}: per backend, at least 1. */
        public ProxyBuilder connections(int connections) {
            keys.put("connections", (long) connections);
            return this;
        }

        /** {@code queue}: requests that may wait for a connection, 0 or more. */
        public ProxyBuilder queue(int queue) {
            keys.put("queue", (long) queue);
            return this;
        }
    }

    /** The {@code files} of a vhost. */
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
