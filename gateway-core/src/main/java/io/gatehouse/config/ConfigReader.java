package io.gatehouse.config;

import io.gatehouse.config.ConfigNode.Mapping;
import io.gatehouse.config.ConfigNode.Scalar;
import io.gatehouse.config.ConfigNode.Sequence;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binds a {@link ConfigNode} tree to {@link GatewayConfig} in one pass that applies the defaults and adds every
 * problem it meets to {@link Problems} (a value with a problem is replaced by its default so the walk goes on).
 * Used for YAML files and for {@link GatewayConfigBuilder} alike, so both accept and refuse exactly the same.
 * The key names, and the keys each mapping takes (what an unknown key's message lists), are {@link Keys}'.
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
        Fields top = fields(root, "", Keys.TOP);
        if (top == null) {
            return null;
        }
        List<ListenAddress> listen = top.optional(Keys.LISTEN, GatewayConfig.DEFAULT_LISTEN,
                list(parsed(ConfigValues::listen), "listen addresses like \"0.0.0.0:80\"", true));

        ForwardedConfig forwarded = forwarded(top.section(Keys.TOP_FORWARDED));

        Timeouts timeouts = timeouts(top.section(Keys.TOP_TIMEOUTS));
        Limits limits = limits(top.section(Keys.TOP_LIMITS));

        Fields log = top.section(Keys.TOP_ACCESS_LOG);
        AccessLogConfig accessLog = new AccessLogConfig(
                log.optional(Keys.ACCESS_LOG_PATH, AccessLogConfig.DEFAULTS.path(), parsed(this::accessLogPath)),
                log.optional(Keys.ACCESS_LOG_FORMAT, AccessLogConfig.DEFAULTS.format(), parsed(ConfigReader::format)));

        Fields operatorLog = top.section(Keys.TOP_LOG);
        LogConfig logConfig = new LogConfig(operatorLog.optional(Keys.LOG_REPEAT_INTERVAL, LogConfig.DEFAULTS.repeatInterval(), duration(true)));

        Fields shutdown = top.section(Keys.TOP_SHUTDOWN);
        Duration drain = shutdown.optional(Keys.SHUTDOWN_DRAIN_TIMEOUT, ShutdownConfig.DEFAULTS.drainTimeout(), duration(true));

        List<BoundVhost> vhosts = top.required(Keys.VHOSTS, List.of(),
                "list at least one vhost, like: vhosts: [{hosts: [\"*\"], echo: {}}]",
                list((node, path) -> vhost(node, path, timeouts), "vhosts", true));
        refuseConflicts(vhosts, listen);
        AdminConfig admin = admin(top, vhosts, listen);
        Optional<Path> pidFile = Optional.ofNullable(top.optional(Keys.PID_FILE, null, parsed(value -> resolve(notEmpty(value)))));
        boolean watch = top.optional(Keys.WATCH, false, bool);

        if (problems.count() > 0) {
            return null; // the placeholders that stand in for refused values need not make a valid config
        }
        return new GatewayConfig(listen, forwarded, timeouts, limits, accessLog,
                new ShutdownConfig(drain), vhosts.stream().map(BoundVhost::vhost).toList(), source, admin, pidFile, watch,
                logConfig);
    }

    private ForwardedConfig forwarded(Fields f) {
        List<Cidr> trusted = f.optional(Keys.FORWARDED_TRUSTED, ForwardedConfig.DEFAULTS.trusted(),
                list(parsed(Cidr::parse), "networks like \"127.0.0.1/32\"", false));
        List<ForwardedConfig.Emit> emit = f.optional(Keys.FORWARDED_EMIT, List.copyOf(ForwardedConfig.DEFAULT_EMIT),
                list(parsed(ForwardedConfig.Emit::parse), "header families: x-forwarded, rfc7239", false));
        return new ForwardedConfig(trusted, Set.copyOf(emit),
                f.optional(Keys.FORWARDED_REAL_IP_HEADER, ForwardedConfig.DEFAULT_REAL_IP_HEADER, bool),
                f.optional(Keys.FORWARDED_ECHO_REQUEST_ID, ForwardedConfig.DEFAULT_ECHO_REQUEST_ID, bool),
                f.optional(Keys.FORWARDED_STRIP, List.of(), list(parsed(ConfigValues::strippableHeaderName), "header names like X-Tenant", false)),
                f.optional(Keys.FORWARDED_UNDERSCORES, ForwardedConfig.DEFAULT_UNDERSCORES,
                        parsed(ForwardedConfig.Underscores::parse)));
    }

    private Timeouts timeouts(Fields t) {
        return new Timeouts(
                t.optional(Keys.TIMEOUTS_CONNECT, Timeouts.DEFAULTS.connect(), duration(false)),
                t.optional(Keys.TIMEOUTS_RESPONSE, Timeouts.DEFAULTS.response(), duration(false)),
                t.optional(Keys.TIMEOUTS_IDLE, Timeouts.DEFAULTS.idle(), duration(false)),
                t.optional(Keys.TIMEOUTS_REQUEST_HEADER, Timeouts.DEFAULTS.requestHeader(), duration(false)));
    }

    private Limits limits(Fields l) {
        return new Limits(
                l.optional(Keys.LIMITS_MAX_BODY, Limits.DEFAULTS.maxBody(), size),
                l.optional(Keys.LIMITS_MAX_HEADER_BYTES, (long) Limits.DEFAULTS.maxHeaderBytes(), atLeast(size, 1024, Integer.MAX_VALUE,
                        "must be 1KiB to 2GiB")).intValue(),
                l.optional(Keys.LIMITS_MAX_HEADERS, (long) Limits.DEFAULTS.maxHeaders(), atLeast(wholeNumber(), 1, 100_000,
                        "must be 1 to 100000")).intValue(),
                l.optional(Keys.LIMITS_MAX_URI_BYTES, (long) Limits.DEFAULTS.maxUriBytes(), atLeast(size, 256, Integer.MAX_VALUE,
                        "must be 256 bytes to 2GiB")).intValue(),
                l.optional(Keys.LIMITS_ENCODED_SLASHES, Limits.DEFAULTS.encodedSlashes(),
                        parsed(v -> choice(v, Limits.EncodedSlashes.values()))));
    }

    private BoundVhost vhost(ConfigNode node, String path, Timeouts timeouts) {
        Fields f = fields(node, path, Keys.VHOST);
        if (f == null) {
            return null;
        }
        int problemsBefore = problems.count();
        Map<String, Located> hostsAt = new LinkedHashMap<>();
        Binder<String> hostPattern = parsed(ConfigValues::hostPattern);
        List<String> hosts = f.required(Keys.VHOST_HOSTS, List.of(), "give the names this vhost answers, like hosts: [example.com]",
                list((hostNode, hostPath) -> {
                    String host = hostPattern.bind(hostNode, hostPath);
                    if (host != null && hostsAt.putIfAbsent(host, new Located(hostNode, hostPath)) != null) {
                        return fail(hostNode, hostPath, "'" + host + "' is already listed in this vhost");
                    }
                    return host;
                }, "host names like example.com", true));
        List<ListenAddress> listen = f.optional(Keys.VHOST_LISTEN, List.of(),
                list(parsed(ConfigValues::listen), "listen addresses like \"127.0.0.1:9000\"", true));
        boolean routable = problems.count() == problemsBefore;
        String name = f.optional(Keys.VHOST_NAME, hosts.isEmpty() ? "" : hosts.get(0), parsed(ConfigReader::notEmpty));

        List<Route> routes;
        if (f.has(Keys.VHOST_ROUTES)) {
            refuseShorthandBesideRoutes(f);
            routes = f.optional(Keys.VHOST_ROUTES, List.of(), list((routeNode, routePath) -> route(routeNode, routePath, timeouts), "routes", true));
        } else {
            Action action = oneAction(f, node, path, Keys.VHOST_ACTIONS, "a vhost", "a vhost needs routes or exactly one action: proxy, files or echo",
                    timeouts);
            routes = action == null ? List.of() : List.of(Route.catchAll(action));
        }
        // Without hosts or routes a problem was added above, so these placeholders never reach a caller.
        VirtualHost vhost = new VirtualHost(name, hosts.isEmpty() ? List.of("*") : hosts, listen,
                routes.isEmpty() ? List.of(Route.catchAll(new EchoConfig())) : routes);
        return new BoundVhost(vhost, path, hostsAt, routable);
    }

    /**
     * The one action of {@code kinds} present in {@code f}, read (a proxy's timeouts default to {@code timeouts}); a
     * problem when there is none ({@code missing}) or more than one. Null when there is none.
     */
    private Action oneAction(Fields f, ConfigNode node, String path, List<Keys.Key> kinds, String holder, String missing,
                             Timeouts timeouts) {
        List<Keys.Key> present = f.mapping.entries().stream()
                .flatMap(entry -> kinds.stream().filter(kind -> kind.name().equals(entry.key()))).toList();
        if (present.isEmpty()) {
            problems.add(node, path, missing);
        }
        Action action = null;
        for (Keys.Key kind : present) {
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
            return files(a);
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

    private static List<String> names(List<Keys.Key> keys) {
        return keys.stream().map(Keys.Key::name).toList();
    }

    private ProxyConfig proxy(Fields p, Timeouts timeouts) {
        List<URI> bound = p.required(Keys.PROXY_BACKENDS, List.of(), "list at least one, like backends: [\"http://127.0.0.1:8080\"]",
                list(parsed(ConfigValues::backend), "backends like \"http://127.0.0.1:8080\"", true));
        // Without backends a problem was added above, so this placeholder never reaches a caller.
        List<URI> backends = bound.isEmpty() ? List.of(URI.create("http://backend.invalid:80")) : bound;
        Fields t = p.section(Keys.PROXY_TIMEOUTS_GROUP);
        return new ProxyConfig(backends,
                p.optional(Keys.PROXY_PRESERVE_HOST, ProxyConfig.DEFAULT_PRESERVE_HOST, bool),
                t.optional(Keys.PROXY_TIMEOUTS_CONNECT, timeouts.connect(), duration(false)),
                t.optional(Keys.PROXY_TIMEOUTS_RESPONSE, timeouts.response(), duration(false)),
                p.optional(Keys.PROXY_CONNECTIONS, (long) ProxyConfig.DEFAULT_CONNECTIONS_PER_BACKEND,
                        atLeast(wholeNumber(), 1, Integer.MAX_VALUE, "must be at least 1")).intValue(),
                p.optional(Keys.PROXY_QUEUE, (long) ProxyConfig.DEFAULT_QUEUE_SIZE,
                        atLeast(wholeNumber(), 0, Integer.MAX_VALUE, "must be 0 or more")).intValue(),
                p.optional(Keys.PROXY_BALANCE, ProxyConfig.DEFAULT_BALANCE, parsed(ProxyConfig.Balance::parse)),
                health(p.section(Keys.PROXY_HEALTH)),
                p.optional(Keys.PROXY_RETRIES, (long) ProxyConfig.defaultRetries(backends.size()),
                        atLeast(wholeNumber(), 0, 100, "must be 0 to 100")).intValue(),
                t.optional(Keys.PROXY_TIMEOUTS_IDLE, ProxyConfig.DEFAULT_IDLE_TIMEOUT, duration(false)),
                p.optional(Keys.PROXY_MAX_CONNECTIONS, (long) ProxyConfig.NO_CONNECTION_CAP,
                        atLeast(wholeNumber(), 0, Integer.MAX_VALUE, "must be 0 (no cap) or more")).intValue());
    }

    /** {@code proxy.health}: passive limits always; the active check only when {@code path} is given. */
    private ProxyConfig.Health health(Fields h) {
        int failures = h.optional(Keys.HEALTH_FAILURES, (long) ProxyConfig.Health.DEFAULT_FAILURES,
                atLeast(wholeNumber(), 1, 1000, "must be 1 to 1000")).intValue();
        Duration coolOff = h.optional(Keys.HEALTH_COOL_OFF, ProxyConfig.Health.DEFAULT_COOL_OFF, duration(false));
        Duration interval = h.optional(Keys.HEALTH_INTERVAL, ProxyConfig.Check.DEFAULT_INTERVAL, duration(false));
        int expect = h.optional(Keys.HEALTH_EXPECT, (long) ProxyConfig.Check.DEFAULT_EXPECT,
                atLeast(wholeNumber(), 100, 599, "must be an HTTP status, 100 to 599")).intValue();
        Optional<ProxyConfig.Check> check = Optional.ofNullable(h.optional(Keys.HEALTH_PATH, null, parsed(ConfigReader::healthPath)))
                .map(path -> new ProxyConfig.Check(path, interval, expect));
        if (check.isEmpty() && (h.has(Keys.HEALTH_INTERVAL) || h.has(Keys.HEALTH_EXPECT))) {
            problems.add(h.mapping, h.path, "interval and expect configure the active check; give its path too, like path: /healthz");
        }
        return new ProxyConfig.Health(failures, coolOff, check);
    }

    private static String healthPath(String value) {
        if (!value.startsWith("/") || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("expected a path like /healthz (visible ASCII, starting with /), got '" + value + "'");
        }
        return value;
    }

    private FilesConfig files(Fields f) {
        String root = f.required(Keys.FILES_ROOT, "", "give the document root, like root: /var/www/%0",
                parsed(value -> resolve(ConfigValues.evhostRoot(value)).toString()));
        Path fallbackRoot = f.optional(Keys.FILES_FALLBACK_ROOT, null, parsed(value -> resolve(notEmpty(value))));
        List<String> index = f.optional(Keys.FILES_INDEX, FilesConfig.DEFAULT_INDEX,
                list(parsed(ConfigValues::indexName), "file names like index.html", false));
        List<String> deny = f.optional(Keys.FILES_DENY, List.of(), list(parsed(ConfigValues::denySuffix), "path suffixes like \".inc\"", false));
        boolean listing = f.optional(Keys.FILES_LISTING, false, bool);
        List<Pattern> noRanges = f.optional(Keys.FILES_NO_RANGES, List.of(), list(parsed(ConfigValues::regex), "regexes like '\\.pdf$'", false));
        return new FilesConfig(root, Optional.ofNullable(fallbackRoot), index, deny, listing, noRanges,
                keyed(f, Keys.FILES_MIME_TYPES, ConfigValues::extension, parsed(ConfigValues::mediaType)),
                f.optional(Keys.FILES_PRECOMPRESSED, FilesConfig.DEFAULT_PRECOMPRESSED, bool),
                gzip(f.section(Keys.FILES_GZIP)),
                cache(f.section(Keys.FILES_CACHE)),
                f.optional(Keys.FILES_DOTFILES, FilesConfig.DEFAULT_DOTFILES, parsed(v -> choice(v, FilesConfig.Dotfiles.values()))),
                keyed(f, Keys.FILES_ERROR_PAGES, ConfigValues::errorStatus, parsed(ConfigValues::errorPage)),
                f.optional(Keys.FILES_SYMLINKS, FilesConfig.DEFAULT_SYMLINKS, parsed(v -> choice(v, FilesConfig.Symlinks.values()))));
    }

    private FilesConfig.Gzip gzip(Fields g) {
        FilesConfig.Gzip d = FilesConfig.Gzip.DEFAULTS;
        return new FilesConfig.Gzip(g.optional(Keys.GZIP_ENABLED, d.enabled(), bool), g.optional(Keys.GZIP_MIN_SIZE, d.minSize(), size),
                g.optional(Keys.GZIP_TYPES, d.types(), list(parsed(ConfigValues::compressibleType), "media types like text/*", false)));
    }

    private FilesConfig.Cache cache(Fields c) {
        return new FilesConfig.Cache(Optional.ofNullable(c.optional(Keys.CACHE_MAX_AGE, null, duration(true))),
                c.optional(Keys.CACHE_IMMUTABLE, FilesConfig.Cache.DEFAULTS.immutable(), bool));
    }

    /**
     * A mapping whose keys the caller defines ({@code mimeTypes}, {@code errorPages}); a key {@code keyParser}
     * refuses is reported at the key. Keys are kept in the order written.
     */
    private <K, V> Map<K, V> keyed(Fields parent, Keys.Key name, Function<String, K> keyParser, Binder<V> value) {
        Map<K, V> values = new LinkedHashMap<>();
        ConfigNode.Entry section = parent.entry(name);
        if (section == null || (section.value() instanceof Scalar s && s.value() == null)) {
            return values;
        }
        if (!(section.value() instanceof Mapping mapping)) {
            problems.add(section.value(), parent.pathOf(name), "expected a mapping, got " + section.value().describe());
            return values;
        }
        String path = parent.pathOf(name);
        for (ConfigNode.Entry entry : mapping.entries()) {
            K key;
            try {
                key = keyParser.apply(entry.key());
            } catch (IllegalArgumentException e) {
                problems.add(entry.line(), entry.column(), join(path, entry.key()), e.getMessage());
                continue;
            }
            V bound = value.bind(entry.value(), join(path, entry.key()));
            if (bound != null && values.putIfAbsent(key, bound) != null) {
                problems.add(entry.line(), entry.column(), join(path, entry.key()), "'" + entry.key() + "' is given twice");
            }
        }
        return values;
    }

    /** One of an enum's constants, written in lower case with '-' for '_' ({@code inside-root}). */
    private static <E extends Enum<E>> E choice(String value, E[] constants) {
        for (E constant : constants) {
            if (constant.name().replace('_', '-').equalsIgnoreCase(value.replace('_', '-'))) {
                return constant;
            }
        }
        throw new IllegalArgumentException("expected one of " + String.join(", ", java.util.Arrays.stream(constants)
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList()) + ", got '" + value + "'");
    }

    // --- routes ---------------------------------------------------------------------------------------------

    private void refuseShorthandBesideRoutes(Fields f) {
        for (Keys.Key kind : Keys.VHOST_ACTIONS) {
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
        Optional<String> prefix = Optional.ofNullable(f.optional(Keys.ROUTE_PATH, null, parsed(ConfigValues::routePrefix)));
        Optional<Regex> match = Optional.ofNullable(f.optional(Keys.ROUTE_MATCH, null, parsed(value -> new Regex(ConfigValues.routeRegex(value)))));
        List<String> methods = f.optional(Keys.ROUTE_METHODS, List.of(), list(parsed(ConfigValues::method), "methods like GET", true));
        Optional<HeaderCondition> header = f.has(Keys.ROUTE_HEADER) ? Optional.of(headerCondition(f.section(Keys.ROUTE_HEADER)))
                : Optional.empty();
        Action action = oneAction(f, node, path, Keys.ROUTE_ACTIONS, "a route",
                "a route needs exactly one action: " + String.join(", ", names(Keys.ROUTE_ACTIONS)), timeouts);
        ProxyPath proxyPath = action instanceof ProxyConfig ? proxyPath(f, prefix.isPresent()) : ProxyPath.UNCHANGED;
        HeaderRules headers = f.has(Keys.ROUTE_HEADERS) ? headerRules(f.section(Keys.ROUTE_HEADERS)) : HeaderRules.NONE;
        Route route = new Route(prefix, match, methods, header, action == null ? new EchoConfig() : action, proxyPath, headers,
                new Route.Origin(problems.file(), node.line(), node.column(), path));
        refuseMissingGroups(route, node, path);
        return route;
    }

    private HeaderCondition headerCondition(Fields h) {
        String name = h.required(Keys.HEADER_NAME, "X-Missing", "give the header to test, like name: X-Env", parsed(ConfigValues::headerName));
        return new HeaderCondition(name, Optional.ofNullable(h.optional(Keys.HEADER_MATCHES, null, parsed(value -> new Regex(ConfigValues.regex(value))))));
    }

    private RedirectConfig redirect(Fields r) {
        Template to = r.required(Keys.REDIRECT_TO, Template.parse("/", Template.Use.TARGET), "give the target, like to: /new/$1 or to: https://example.com/",
                template(Template.Use.TARGET));
        int status = r.optional(Keys.REDIRECT_STATUS, (long) RedirectConfig.DEFAULT_STATUS, oneOf(RedirectConfig.STATUSES)).intValue();
        return new RedirectConfig(to, status);
    }

    private RespondConfig respond(Fields r) {
        int status = r.required(Keys.RESPOND_STATUS, 200L, "give the status, like status: 403",
                atLeast(wholeNumber(), 200, 599, "must be 200 to 599")).intValue();
        Optional<String> body = Optional.ofNullable(r.optional(Keys.RESPOND_BODY, null, text));
        if (body.isPresent() && (status == 204 || status == 304)) {
            ConfigNode.Entry entry = r.entry(Keys.RESPOND_BODY);
            problems.add(entry.line(), entry.column(), r.pathOf(Keys.RESPOND_BODY), "a " + status + " response has no body");
            body = Optional.empty();
        }
        return new RespondConfig(status, body, r.optional(Keys.RESPOND_HEADERS, List.of(), headerValues(ConfigValues::changeableHeaderName)));
    }

    private RewriteConfig rewrite(Fields r) {
        return new RewriteConfig(r.required(Keys.REWRITE_TO, Template.parse("/", Template.Use.PATH), "give the new path, like to: /index.php?q=$1",
                template(Template.Use.PATH)));
    }

    /** {@code proxy.path} and {@code proxy.stripPrefix} of a route; the other proxy keys are read by {@link #proxy}. */
    private ProxyPath proxyPath(Fields route, boolean hasPrefix) {
        if (!(route.entry(Keys.ROUTE_PROXY_ACTION).value() instanceof Mapping mapping)) {
            return ProxyPath.UNCHANGED;
        }
        Fields p = new Fields(mapping, route.pathOf(Keys.ROUTE_PROXY_ACTION), Keys.ROUTE_PROXY);
        Optional<Template> template = Optional.ofNullable(p.optional(Keys.ROUTE_PROXY_PATH, null, template(Template.Use.PATH)));
        boolean strip = p.optional(Keys.ROUTE_PROXY_STRIP_PREFIX, false, bool);
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
        return new HeaderRules(headerOperations(h.section(Keys.HEADERS_REQUEST), ConfigValues::changeableRequestHeaderName),
                headerOperations(h.section(Keys.HEADERS_RESPONSE), ConfigValues::changeableHeaderName));
    }

    private HeaderRules.Operations headerOperations(Fields o, Function<String, String> names) {
        return new HeaderRules.Operations(o.optional(Keys.HEADERS_SET, List.of(), headerValues(names)), o.optional(Keys.HEADERS_ADD, List.of(), headerValues(names)),
                o.optional(Keys.HEADERS_REMOVE, List.of(), list(parsed(names), "header names like X-Powered-By", false)));
    }

    /** A mapping of header names (checked by {@code names}) to value templates, in the order written. */
    private Binder<List<HeaderRules.Header>> headerValues(Function<String, String> names) {
        Binder<String> name = parsed(names);
        Binder<Template> value = template(Template.Use.HEADER);
        return (node, path) -> {
            if (!(node instanceof Mapping mapping)) {
                return fail(node, path, "expected a mapping of header names to values, like {X-Frame-Options: DENY}, got " + node.describe());
            }
            List<HeaderRules.Header> headers = new ArrayList<>();
            for (ConfigNode.Entry entry : mapping.entries()) {
                String headerPath = join(path, entry.key());
                String checkedName = name.bind(new Scalar(entry.key(), entry.key(), entry.line(), entry.column()), headerPath);
                Template checkedValue = value.bind(entry.value(), headerPath);
                if (checkedName != null && checkedValue != null) {
                    headers.add(new HeaderRules.Header(checkedName, checkedValue));
                }
            }
            return headers;
        };
    }

    /** Every {@code $n} of a route's templates needs a group {@code n} in its {@code match}. */
    private void refuseMissingGroups(Route route, ConfigNode node, String path) {
        int groups = route.match().map(regex -> regex.pattern().matcher("").groupCount()).orElse(-1);
        int highest = templatesOf(route).stream().mapToInt(Template::highestGroup).max().orElse(-1);
        if (highest > groups) {
            problems.add(node, path, "uses $" + highest + ", but " + (groups < 0
                    ? "the route has no 'match' regex to capture it" : "its match '" + route.match().get() + "' has "
                    + (groups == 1 ? "1 group" : groups + " groups")));
        }
    }

    private static List<Template> templatesOf(Route route) {
        List<Template> templates = new ArrayList<>();
        if (route.action() instanceof RedirectConfig redirect) {
            templates.add(redirect.to());
        } else if (route.action() instanceof RewriteConfig rewrite) {
            templates.add(rewrite.to());
        } else if (route.action() instanceof RespondConfig respond) {
            respond.headers().forEach(header -> templates.add(header.value()));
        }
        route.proxyPath().template().ifPresent(templates::add);
        for (HeaderRules.Operations operations : List.of(route.headers().request(), route.headers().response())) {
            operations.set().forEach(header -> templates.add(header.value()));
            operations.add().forEach(header -> templates.add(header.value()));
        }
        return templates;
    }

    private Binder<Template> template(Template.Use use) {
        return parsed(value -> Template.parse(value, use));
    }

    private Binder<Long> oneOf(List<Integer> allowed) {
        Binder<Long> number = wholeNumber();
        return (node, path) -> {
            Long value = number.bind(node, path);
            return value == null || allowed.contains(value.intValue()) ? value
                    : fail(node, path, "expected one of " + allowed.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + ", got " + node.describe());
        };
    }

    /**
     * Two vhosts claiming one host pattern on one listener would make routing depend on their order; nginx
     * warns ("conflicting server name") and ignores the second, Gatehouse refuses the configuration. Vhosts
     * whose hosts or listeners have problems are left out.
     */
    private void refuseConflicts(List<BoundVhost> vhosts, List<ListenAddress> defaultListen) {
        // Only vhosts sharing a host pattern can conflict: index the earlier vhosts by pattern instead of comparing every
        // pair, which made checking 10,000 vhosts take seconds. Candidates are visited in configuration order, so the
        // problems and their order are those of the pairwise comparison.
        Map<String, List<Integer>> claimedBy = new HashMap<>();
        for (int j = 0; j < vhosts.size(); j++) {
            BoundVhost later = vhosts.get(j);
            if (!later.routable()) {
                continue;
            }
            SortedSet<Integer> candidates = new TreeSet<>();
            later.hosts().keySet().forEach(host -> candidates.addAll(claimedBy.getOrDefault(host, List.of())));
            for (int i : candidates) {
                BoundVhost earlier = vhosts.get(i);
                List<ListenAddress> shared = new ArrayList<>(listeners(earlier, defaultListen));
                shared.retainAll(listeners(later, defaultListen));
                if (shared.isEmpty()) {
                    continue;
                }
                later.hosts().forEach((host, at) -> {
                    if (earlier.hosts().containsKey(host)) {
                        problems.add(at.node(), at.path(), "'" + host + "' on " + shared.get(0) + " is already claimed by vhost '"
                                + earlier.vhost().name() + "' (" + earlier.path() + "); a host pattern may belong to one vhost per listener");
                    }
                });
            }
            int index = j;
            later.hosts().keySet().forEach(host -> claimedBy.computeIfAbsent(host, h -> new ArrayList<>()).add(index));
        }
    }

    /**
     * {@code admin}: off when absent; {@code admin: {}} is {@link AdminConfig#DEFAULT_LISTEN}; a bare port is on
     * 127.0.0.1; {@code hosts} are host patterns as a vhost's. An address that a public listener also binds (same
     * port, and the same host or either a wildcard) is refused, so the admin endpoint can never be served on a public
     * listener by accident.
     */
    private AdminConfig admin(Fields top, List<BoundVhost> vhosts, List<ListenAddress> defaultListen) {
        if (!top.has(Keys.TOP_ADMIN)) {
            return AdminConfig.OFF;
        }
        Fields admin = top.section(Keys.TOP_ADMIN);
        ListenAddress listen = admin.optional(Keys.ADMIN_LISTEN, AdminConfig.DEFAULT_LISTEN, parsed(ConfigReader::adminListen));
        List<String> hosts = admin.optional(Keys.ADMIN_HOSTS, List.of(),
                list(parsed(ConfigValues::hostPattern), "host names like metrics.internal", false));
        for (BoundVhost vhost : vhosts) {
            for (ListenAddress publicListener : listeners(vhost, defaultListen)) {
                if (overlaps(listen, publicListener)) {
                    ConfigNode.Entry entry = admin.entry(Keys.ADMIN_LISTEN);
                    problems.add(entry == null ? admin.mapping : entry.value(), admin.pathOf(Keys.ADMIN_LISTEN), "the admin listener "
                            + listen + " would share " + publicListener + " with vhost '" + vhost.vhost().name()
                            + "'; give it an address of its own, like 127.0.0.1:9901");
                    return new AdminConfig(Optional.of(listen), hosts);
                }
            }
        }
        return new AdminConfig(Optional.of(listen), hosts);
    }

    /** Like {@code listen}, except that a bare port ({@code ":9901"} or {@code "9901"}) means loopback. */
    private static ListenAddress adminListen(String text) {
        String value = text.trim();
        if (value.matches("\\d{1,5}")) {
            value = ":" + value;
        }
        return value.startsWith(":") ? ConfigValues.listen("127.0.0.1" + value) : ConfigValues.listen(value);
    }

    private static boolean overlaps(ListenAddress a, ListenAddress b) {
        return a.port() != 0 && a.port() == b.port()
                && (a.host().equalsIgnoreCase(b.host()) || isWildcard(a.host()) || isWildcard(b.host()));
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    private static List<ListenAddress> listeners(BoundVhost bound, List<ListenAddress> defaultListen) {
        return bound.vhost().listen().isEmpty() ? defaultListen : bound.vhost().listen();
    }

    // --- reading values -------------------------------------------------------------------------------------

    /** The mapping at {@code node} with unknown keys reported; an empty value ({@code echo:}) is an empty mapping. */
    private Fields fields(ConfigNode node, String path, Keys.Section section) {
        if (node instanceof Scalar s && (s.value() == null || s.text().isEmpty())) {
            return new Fields(new Mapping(List.of(), node.line(), node.column()), path, section);
        }
        List<String> keys = section.names();
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
        return new Fields(mapping, path, section);
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

    /** One mapping of the tree, its key path, and the section of the table it is read as. */
    private final class Fields {
        final Mapping mapping;
        final String path;
        final Keys.Section section;

        Fields(Mapping mapping, String path, Keys.Section section) {
            this.mapping = mapping;
            this.path = path;
            this.section = section;
        }

        ConfigNode.Entry entry(Keys.Key key) {
            return mapping.entry(key.name());
        }

        boolean has(Keys.Key key) {
            return entry(key) != null;
        }

        String pathOf(Keys.Key key) {
            return join(path, key.name());
        }

        <T> T optional(Keys.Key key, T fallback, Binder<T> binder) {
            ConfigNode.Entry entry = entry(key);
            T value = entry == null ? null : binder.bind(entry.value(), pathOf(key));
            return value == null ? fallback : value;
        }

        <T> T required(Keys.Key key, T fallback, String hint, Binder<T> binder) {
            if (!has(key)) {
                problems.add(mapping, pathOf(key), "missing; " + hint);
                return fallback;
            }
            return optional(key, fallback, binder);
        }

        /** The nested mapping at {@code key}; an empty one when it is absent or not a mapping (reported). */
        Fields section(Keys.Key key) {
            ConfigNode.Entry entry = entry(key);
            Fields nested = entry == null ? null : fields(entry.value(), pathOf(key), key.opens());
            return nested != null ? nested
                    : new Fields(new Mapping(List.of(), mapping.line(), mapping.column()), pathOf(key), key.opens());
        }
    }
}
