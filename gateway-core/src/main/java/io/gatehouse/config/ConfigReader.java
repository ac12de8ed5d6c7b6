package io.gatehouse.config;

import io.gatehouse.config.ConfigNode.Mapping;
import io.gatehouse.config.ConfigNode.Scalar;
import io.gatehouse.config.ConfigNode.Sequence;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Binds a {@link ConfigNode} tree to {@link GatewayConfig} in one pass that applies the defaults and adds every
 * problem it meets to {@link Problems} (a value with a problem is replaced by its default so the walk goes on).
 * Used for YAML files and for {@link GatewayConfigBuilder} alike, so both accept and refuse exactly the same.
 * The result is only meaningful when no problem was added.
 */
final class ConfigReader {

    private static final List<String> TOP_KEYS =
            List.of("listen", "forwarded", "timeouts", "limits", "accessLog", "shutdown", "vhosts", "pidFile", "watch");
    private static final List<String> ACTIONS = List.of("proxy", "files", "echo");
    private static final List<String> VHOST_KEYS = List.of("name", "hosts", "listen", "proxy", "files", "echo");
    private static final List<String> PROXY_KEYS = List.of("backends", "preserveHost", "timeouts", "connections", "queue");
    private static final List<String> FILES_KEYS = List.of("root", "fallbackRoot", "index", "deny", "listing", "noRanges");

    /** Reads one value at {@code path}; returns {@code null} after adding a problem. */
    @FunctionalInterface
    private interface Binder<T> {
        T bind(ConfigNode node, String path);
    }

    /**
     * A bound vhost with what the cross-checks need: where each host pattern was written, and whether its hosts
     * and listeners were read without problems (otherwise they may be placeholders).
     */
    private record BoundVhost(VirtualHost vhost, String path, Map<String, Located> hosts, boolean routable) {
    }

    private record Located(ConfigNode node, String path) {
    }

    private final Problems problems;
    private final Path baseDir;

    private final Binder<String> text = (node, path) -> node instanceof Scalar s && s.value() != null
            ? s.text() : fail(node, path, "expected a string, got " + node.describe());

    private final Binder<Boolean> bool = (node, path) -> {
        if (node instanceof Scalar s && (s.value() instanceof Boolean || s.text().equalsIgnoreCase("true") || s.text().equalsIgnoreCase("false"))) {
            return s.value() instanceof Boolean b ? b : Boolean.parseBoolean(s.text());
        }
        return fail(node, path, "expected true or false, got " + node.describe());
    };

    private final Binder<Long> size = parsed(Units::size);

    /**
     * @param problems where problems go
     * @param baseDir  what relative paths are resolved against: the YAML file's directory, or for the builder
     *                 the current directory
     */
    ConfigReader(Problems problems, Path baseDir) {
        this.problems = problems;
        this.baseDir = baseDir.toAbsolutePath();
    }

    GatewayConfig read(ConfigNode root, Optional<Path> source) {
        Fields top = fields(root, "", TOP_KEYS);
        if (top == null) {
            return null;
        }
        List<ListenAddress> listen = top.optional("listen", GatewayConfig.DEFAULT_LISTEN,
                list(parsed(ConfigValues::listen), "listen addresses like \"0.0.0.0:80\"", true));

        Fields forwarded = top.section("forwarded", List.of("trusted"));
        List<Cidr> trusted = forwarded.optional("trusted", ForwardedConfig.DEFAULTS.trusted(),
                list(parsed(Cidr::parse), "networks like \"127.0.0.1/32\"", false));

        Fields t = top.section("timeouts", List.of("connect", "response", "idle"));
        Timeouts timeouts = new Timeouts(
                t.optional("connect", Timeouts.DEFAULTS.connect(), duration(false)),
                t.optional("response", Timeouts.DEFAULTS.response(), duration(false)),
                t.optional("idle", Timeouts.DEFAULTS.idle(), duration(false)));

        Fields l = top.section("limits", List.of("maxBody", "maxHeaderBytes"));
        Limits limits = new Limits(
                l.optional("maxBody", Limits.DEFAULTS.maxBody(), size),
                l.optional("maxHeaderBytes", (long) Limits.DEFAULTS.maxHeaderBytes(), atLeast(size, 1024, Integer.MAX_VALUE,
                        "must be 1KiB to 2GiB")).intValue());

        Fields log = top.section("accessLog", List.of("path", "format"));
        AccessLogConfig accessLog = new AccessLogConfig(
                log.optional("path", AccessLogConfig.DEFAULTS.path(), parsed(this::accessLogPath)),
                log.optional("format", AccessLogConfig.DEFAULTS.format(), parsed(ConfigReader::format)));

        Fields shutdown = top.section("shutdown", List.of("drainTimeout"));
        Duration drain = shutdown.optional("drainTimeout", ShutdownConfig.DEFAULTS.drainTimeout(), duration(true));

        List<BoundVhost> vhosts = top.required("vhosts", List.of(),
                "list at least one vhost, like: vhosts: [{hosts: [\"*\"], echo: {}}]",
                list((node, path) -> vhost(node, path, timeouts), "vhosts", true));
        refuseConflicts(vhosts, listen);
        Optional<Path> pidFile = Optional.ofNullable(top.optional("pidFile", null, parsed(value -> resolve(notEmpty(value)))));
        boolean watch = top.optional("watch", false, bool);

        return new GatewayConfig(listen, new ForwardedConfig(trusted), timeouts, limits, accessLog,
                new ShutdownConfig(drain), vhosts.stream().map(BoundVhost::vhost).toList(), source, pidFile, watch);
    }

    private BoundVhost vhost(ConfigNode node, String path, Timeouts timeouts) {
        Fields f = fields(node, path, VHOST_KEYS);
        if (f == null) {
            return null;
        }
        int problemsBefore = problems.count();
        Map<String, Located> hostsAt = new LinkedHashMap<>();
        Binder<String> hostPattern = parsed(ConfigValues::hostPattern);
        List<String> hosts = f.required("hosts", List.of(), "give the names this vhost answers, like hosts: [example.com]",
                list((hostNode, hostPath) -> {
                    String host = hostPattern.bind(hostNode, hostPath);
                    if (host != null && hostsAt.putIfAbsent(host, new Located(hostNode, hostPath)) != null) {
                        return fail(hostNode, hostPath, "'" + host + "' is already listed in this vhost");
                    }
                    return host;
                }, "host names like example.com", true));
        List<ListenAddress> listen = f.optional("listen", List.of(),
                list(parsed(ConfigValues::listen), "listen addresses like \"127.0.0.1:9000\"", true));
        boolean routable = problems.count() == problemsBefore;
        String name = f.optional("name", hosts.isEmpty() ? "" : hosts.get(0), parsed(ConfigReader::notEmpty));

        List<String> present = f.mapping.entries().stream().map(ConfigNode.Entry::key).filter(ACTIONS::contains).toList();
        if (present.isEmpty()) {
            problems.add(node, path, "a vhost needs exactly one action: proxy, files or echo");
        }
        Action action = null;
        for (String kind : present) {
            if (action != null) {
                ConfigNode.Entry extra = f.mapping.entry(kind);
                problems.add(extra.line(), extra.column(), f.pathOf(kind), "a vhost takes exactly one action of proxy, files, echo; "
                        + "this one already has '" + present.get(0) + "'");
            }
            Action bound = switch (kind) {
                case "proxy" -> proxy(f.section(kind, PROXY_KEYS), timeouts);
                case "files" -> files(f.section(kind, FILES_KEYS));
                default -> {
                    f.section(kind, List.of()); // reports any key: echo takes none
                    yield new EchoConfig();
                }
            };
            action = action == null ? bound : action;
        }
        // Without an action a problem was added above, so this placeholder never reaches a caller.
        VirtualHost vhost = new VirtualHost(name, hosts, listen, action == null ? new EchoConfig() : action);
        return new BoundVhost(vhost, path, hostsAt, routable);
    }

    private ProxyConfig proxy(Fields p, Timeouts timeouts) {
        List<URI> backends = p.required("backends", List.of(), "list at least one, like backends: [\"http://127.0.0.1:8080\"]",
                list(parsed(ConfigValues::backend), "backends like \"http://127.0.0.1:8080\"", true));
        Fields t = p.section("timeouts", List.of("connect", "response"));
        return new ProxyConfig(backends,
                p.optional("preserveHost", ProxyConfig.DEFAULT_PRESERVE_HOST, bool),
                t.optional("connect", timeouts.connect(), duration(false)),
                t.optional("response", timeouts.response(), duration(false)),
                p.optional("connections", (long) ProxyConfig.DEFAULT_CONNECTIONS_PER_BACKEND,
                        atLeast(wholeNumber(), 1, Integer.MAX_VALUE, "must be at least 1")).intValue(),
                p.optional("queue", (long) ProxyConfig.DEFAULT_QUEUE_SIZE,
                        atLeast(wholeNumber(), 0, Integer.MAX_VALUE, "must be 0 or more")).intValue());
    }

    private FilesConfig files(Fields f) {
        String root = f.required("root", "", "give the document root, like root: /var/www/%0",
                parsed(value -> resolve(ConfigValues.evhostRoot(value)).toString()));
        Path fallbackRoot = f.optional("fallbackRoot", null, parsed(value -> resolve(notEmpty(value))));
        List<String> index = f.optional("index", FilesConfig.DEFAULT_INDEX,
                list(parsed(ConfigValues::indexName), "file names like index.html", false));
        List<String> deny = f.optional("deny", List.of(), list(parsed(ConfigValues::denySuffix), "path suffixes like \".inc\"", false));
        boolean listing = f.optional("listing", false, bool);
        List<Pattern> noRanges = f.optional("noRanges", List.of(), list(parsed(ConfigValues::regex), "regexes like '\\.pdf$'", false));
        return new FilesConfig(root, Optional.ofNullable(fallbackRoot), index, deny, listing, noRanges);
    }

    /**
     * Two vhosts claiming one host pattern on one listener would make routing depend on their order; nginx
     * warns ("conflicting server name") and ignores the second, Gatehouse refuses the configuration. Vhosts
     * whose hosts or listeners have problems are left out.
     */
    private void refuseConflicts(List<BoundVhost> vhosts, List<ListenAddress> defaultListen) {
        for (int j = 1; j < vhosts.size(); j++) {
            BoundVhost later = vhosts.get(j);
            for (int i = 0; i < j && later.routable(); i++) {
                BoundVhost earlier = vhosts.get(i);
                List<ListenAddress> shared = new ArrayList<>(listeners(earlier, defaultListen));
                shared.retainAll(listeners(later, defaultListen));
                if (!earlier.routable() || shared.isEmpty()) {
                    continue;
                }
                later.hosts().forEach((host, at) -> {
                    if (earlier.hosts().containsKey(host)) {
                        problems.add(at.node(), at.path(), "'" + host + "' on " + shared.get(0) + " is already claimed by vhost '"
                                + earlier.vhost().name() + "' (" + earlier.path() + "); a host pattern may belong to one vhost per listener");
                    }
                });
            }
        }
    }

    private static List<ListenAddress> listeners(BoundVhost bound, List<ListenAddress> defaultListen) {
        return bound.vhost().listen().isEmpty() ? defaultListen : bound.vhost().listen();
    }

    // --- reading values -------------------------------------------------------------------------------------

    /** The mapping at {@code node} with unknown keys reported; an empty value ({@code echo:}) is an empty mapping. */
    private Fields fields(ConfigNode node, String path, List<String> keys) {
        if (node instanceof Scalar s && (s.value() == null || s.text().isEmpty())) {
            return new Fields(new Mapping(List.of(), node.line(), node.column()), path);
        }
        if (!(node instanceof Mapping mapping)) {
            String what = path.isEmpty() ? "the configuration must be a mapping of settings" : "expected a mapping";
            String valid = keys.isEmpty() ? " ({})" : " (keys: " + String.join(", ", keys) + ")";
            return fail(node, path, what + valid + ", got " + node.describe());
        }
        for (ConfigNode.Entry entry : mapping.entries()) {
            if (!keys.contains(entry.key())) {
                problems.add(entry.line(), entry.column(), join(path, entry.key()), unknownKey(entry.key(), keys));
            }
        }
        return new Fields(mapping, path);
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

    private <T> Binder<T> parsed(Function<String, T> parser) {
        return (node, path) -> {
            String value = text.bind(node, path);
            if (value == null) {
                return null;
            }
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                return fail(node, path, e.getMessage());
            }
        };
    }

    private <T> Binder<List<T>> list(Binder<T> item, String what, boolean nonEmpty) {
        return (node, path) -> {
            if (!(node instanceof Sequence sequence)) {
                return fail(node, path, "expected a list of " + what + ", got " + node.describe());
            }
            if (nonEmpty && sequence.items().isEmpty()) {
                return fail(node, path, "expected at least one of " + what);
            }
            List<T> values = new ArrayList<>();
            for (int i = 0; i < sequence.items().size(); i++) {
                T value = item.bind(sequence.items().get(i), path + "[" + i + "]");
                if (value != null) {
                    values.add(value);
                }
            }
            return values;
        };
    }

    private Binder<Long> wholeNumber() {
        return (node, path) -> {
            if (node instanceof Scalar s && s.value() != null) {
                if (s.value() instanceof Integer || s.value() instanceof Long) {
                    return ((Number) s.value()).longValue();
                }
                if (s.text().matches("\\d{1,18}")) {
                    return Long.parseLong(s.text());
                }
            }
            return fail(node, path, "expected a whole number, got " + node.describe());
        };
    }

    private Binder<Long> atLeast(Binder<Long> binder, long min, long max, String range) {
        return (node, path) -> {
            Long value = binder.bind(node, path);
            return value == null || (value >= min && value <= max) ? value : fail(node, path, range + ", got " + node.describe());
        };
    }

    /** A duration, more than zero unless {@code zeroAllowed}; the builder hands over {@link Duration}s as they are. */
    private Binder<Duration> duration(boolean zeroAllowed) {
        Binder<Duration> written = parsed(Units::duration);
        return (node, path) -> {
            Duration value = node instanceof Scalar s && s.value() instanceof Duration d ? d : written.bind(node, path);
            if (value != null && (value.isNegative() || (value.isZero() && !zeroAllowed))) {
                return fail(node, path, (zeroAllowed ? "must be 0 or more" : "must be more than 0") + ", got " + node.describe());
            }
            return value;
        };
    }

    private String accessLogPath(String value) {
        return value.equals(AccessLogConfig.STDOUT) || value.equals(AccessLogConfig.OFF) ? value : resolve(notEmpty(value)).toString();
    }

    private static AccessLogConfig.Format format(String value) {
        for (AccessLogConfig.Format format : AccessLogConfig.Format.values()) {
            if (format.name().equalsIgnoreCase(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("expected common, combined or json, got '" + value + "'");
    }

    private static String notEmpty(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return value;
    }

    /** Relative paths are taken from {@link #baseDir}, so a config does not depend on the current directory. */
    private Path resolve(String value) {
        return baseDir.resolve(value).normalize();
    }

    private <T> T fail(ConfigNode node, String path, String message) {
        problems.add(node, path, message);
        return null;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** One mapping of the tree and its key path. */
    private final class Fields {
        final Mapping mapping;
        final String path;

        Fields(Mapping mapping, String path) {
            this.mapping = mapping;
            this.path = path;
        }

        boolean has(String key) {
            return mapping.entry(key) != null;
        }

        String pathOf(String key) {
            return join(path, key);
        }

        <T> T optional(String key, T fallback, Binder<T> binder) {
            ConfigNode.Entry entry = mapping.entry(key);
            T value = entry == null ? null : binder.bind(entry.value(), pathOf(key));
            return value == null ? fallback : value;
        }

        <T> T required(String key, T fallback, String hint, Binder<T> binder) {
            if (!has(key)) {
                problems.add(mapping, pathOf(key), "missing; " + hint);
                return fallback;
            }
            return optional(key, fallback, binder);
        }

        /** The nested mapping at {@code key}; an empty one when it is absent or not a mapping (reported). */
        Fields section(String key, List<String> keys) {
            ConfigNode.Entry entry = mapping.entry(key);
            Fields nested = entry == null ? null : fields(entry.value(), pathOf(key), keys);
            return nested != null ? nested : new Fields(new Mapping(List.of(), mapping.line(), mapping.column()), pathOf(key));
        }
    }
}
