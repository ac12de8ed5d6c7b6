package io.gatehouse.config;

import io.gatehouse.internal.config.ConfigNode;
import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.config.Problems;
import java.nio.file.Path;
import java.time.Duration;
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
 *         .accessLog(a -> a.path("logs/access.log").format(AccessLogConfig.Format.JSON))
 *         .vhost(v -> v.hosts("example.com", "www.example.com")
 *                 .proxy(p -> p.backend("http://127.0.0.1:8081").backend("http://127.0.0.1:8082")
 *                         .balance(ProxyConfig.Balance.LEAST_REQUESTS)
 *                         .healthCheck(h -> h.path("/healthz").interval(Duration.ofSeconds(5)).expect(200))))
 *         .vhost(v -> v.hosts("*")
 *                 .route(r -> r.path("/api/").proxy(p -> p.backend("http://127.0.0.1:9000").stripPrefix()))
 *                 .route(r -> r.files(f -> f.root("/var/www/%0").deny("~", ".inc").gzip(g -> g.minSize(1024)))))
 *         .build();
 * }</pre>
 *
 * <p><b>Where it listens.</b> A gateway without {@link #listen(String...)} binds <b>{@code 0.0.0.0:80}</b>, every
 * IPv4 address on port 80, as a YAML file without {@code listen} does (and as a web server does). Give
 * {@code listen} unless that is what you want. A gateway mounted with {@code Gateway.handler} ignores every
 * {@code listen}: the application's server owns the listeners.
 *
 * <p><b>The access log is off</b> unless {@link #accessLog(Consumer)} is called: an embedded gateway writes nothing
 * to standard output unless asked. This is the one default that differs from YAML, where a file without
 * {@code accessLog} logs to standard output (the daemon's contract).
 *
 * <p>Each method sets the YAML key named on it; methods for list keys add to the list (so {@code backend} may be
 * called once per backend), a setter called twice keeps the last value, and a key never set gets its YAML default.
 * Nested keys are set through lambdas over named sub-builders ({@code proxy(p -> ...)}, {@code healthCheck(h -> ...)}),
 * and the types allow only what is valid where it is written: a vhost has routes or one action (the action ends
 * its definition), a route has one action followed only by header changes, {@code stripPrefix} exists only on the
 * proxy of a route with a {@link RouteBuilder#path path}, and a proxy's backend {@code path} only on a route's.
 *
 * <p>{@link #build()} validates the whole configuration exactly as a YAML file is validated (the builder produces
 * the tree the YAML parser does and the same reader reads it) and throws a {@link ConfigException} with every
 * problem, each with its YAML key path ({@code vhosts[1].proxy.backends[0]}) and line and column 0: values that
 * only a check can refuse (a backend URL that does not parse, a host pattern claimed by two vhosts, a timeout not
 * more than zero) and required values left out ({@code hosts}, a proxy's {@code backend}, a file server's
 * {@code root}). Relative paths are taken from the current directory.
 *
 * <p>Not thread-safe. A builder may be built more than once; each {@code build()} reads the settings made so far.
 */
public final class GatewayConfigBuilder {

    private final BuilderValues root = new BuilderValues();

    GatewayConfigBuilder() {
    }

    /**
     * {@code listen}: adds default listeners, those of every vhost without its own. Without any, the gateway binds
     * <b>{@code 0.0.0.0:80}</b> (see the class comment); a mounted gateway ignores listeners.
     *
     * @param addresses each {@code "host:port"} ({@code "127.0.0.1:8080"}, {@code "localhost:8080"}),
     *                  {@code ":port"} (every IPv4 address) or {@code "[v6]:port"} ({@code "[::1]:8080"}); port 0
     *                  binds a free port
     * @return this builder
     */
    public GatewayConfigBuilder listen(String... addresses) {
        root.add(Keys.LISTEN, (Object[]) addresses);
        return this;
    }

    /**
     * {@code forwarded.trusted}: adds peers (proxies in front of the gateway) whose X-Forwarded-For chain,
     * Forwarded and X-Request-Id headers are believed; everyone else's are replaced.
     *
     * @param networks each a CIDR ({@code "10.0.0.0/8"}, {@code "::1/128"}) or a bare IP address
     * @return this builder
     */
    public GatewayConfigBuilder trust(String... networks) {
        root.section(Keys.TOP_FORWARDED).add(Keys.FORWARDED_TRUSTED, (Object[]) networks);
        return this;
    }

    /**
     * {@code forwarded.emit}: adds header families sent to backends; default {@code X_FORWARDED} only. Called with
     * none (and never with any), no forwarding header is sent.
     *
     * @param families the families to send
     * @return this builder
     */
    public GatewayConfigBuilder emit(ForwardedConfig.Emit... families) {
        root.section(Keys.TOP_FORWARDED).add(Keys.FORWARDED_EMIT, (Object[]) families);
        return this;
    }

    /**
     * {@code forwarded.realIpHeader}: send the resolved client address as {@code X-Real-IP}; default false.
     *
     * @param send whether to send it
     * @return this builder
     */
    public GatewayConfigBuilder realIpHeader(boolean send) {
        root.section(Keys.TOP_FORWARDED).put(Keys.FORWARDED_REAL_IP_HEADER, send);
        return this;
    }

    /**
     * {@code forwarded.echoRequestId}: return the request id to the client as {@code X-Request-Id}; default false.
     *
     * @param echo whether to return it
     * @return this builder
     */
    public GatewayConfigBuilder echoRequestId(boolean echo) {
        root.section(Keys.TOP_FORWARDED).put(Keys.FORWARDED_ECHO_REQUEST_ID, echo);
        return this;
    }

    /**
     * {@code forwarded.strip}: adds request headers stripped from peers outside {@code trusted}, besides
     * {@link ForwardedConfig#UNTRUSTED_DEFAULTS}.
     *
     * @param names header names, like {@code "X-Tenant"}
     * @return this builder
     */
    public GatewayConfigBuilder stripFromUntrusted(String... names) {
        root.section(Keys.TOP_FORWARDED).add(Keys.FORWARDED_STRIP, (Object[]) names);
        return this;
    }

    /**
     * {@code forwarded.underscoresInHeaders}: what becomes of request headers with {@code _} in their names;
     * default {@link ForwardedConfig.Underscores#DROP}.
     *
     * @param policy drop or keep them
     * @return this builder
     */
    public GatewayConfigBuilder underscoresInHeaders(ForwardedConfig.Underscores policy) {
        root.section(Keys.TOP_FORWARDED).put(Keys.FORWARDED_UNDERSCORES, policy);
        return this;
    }

    /**
     * {@code timeouts.connect}: for opening a backend connection, for every proxy that sets none; default 5s.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public GatewayConfigBuilder connectTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_CONNECT, timeout);
        return this;
    }

    /**
     * {@code timeouts.response}: for a backend's response once the request is sent (then 504), for every proxy that
     * sets none; default 60s.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public GatewayConfigBuilder responseTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_RESPONSE, timeout);
        return this;
    }

    /**
     * {@code timeouts.read}: the longest a backend may go silent in the middle of a response body, between two
     * reads once its head arrived (then the response is cut off), for every proxy and FastCGI action that sets
     * none; default 60s.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public GatewayConfigBuilder readTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_READ, timeout);
        return this;
    }

    /**
     * {@code timeouts.idle}: a client connection with nothing to do, or a request body that stops arriving, is
     * closed after it; default 75s.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public GatewayConfigBuilder idleTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_IDLE, timeout);
        return this;
    }

    /**
     * {@code timeouts.requestHeader}: for a request's header section, from its first byte; default 60s.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public GatewayConfigBuilder requestHeaderTimeout(Duration timeout) {
        root.section(Keys.TOP_TIMEOUTS).put(Keys.TIMEOUTS_REQUEST_HEADER, timeout);
        return this;
    }

    /**
     * {@code limits.maxBody}: the largest request body, larger ones get 413; default 1 GiB.
     *
     * @param bytes 0 or more
     * @return this builder
     */
    public GatewayConfigBuilder maxBody(long bytes) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_MAX_BODY, bytes);
        return this;
    }

    /**
     * {@code limits.maxHeaderBytes}: the largest request header section, larger ones get 431; default 16 KiB.
     *
     * @param bytes 1024 up to {@code Integer.MAX_VALUE}
     * @return this builder
     */
    public GatewayConfigBuilder maxHeaderBytes(long bytes) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_MAX_HEADER_BYTES, bytes);
        return this;
    }

    /**
     * {@code limits.maxHeaders}: the most header fields in a request, more get 431; default 100.
     *
     * @param count 1 to 100000
     * @return this builder
     */
    public GatewayConfigBuilder maxHeaders(int count) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_MAX_HEADERS, (long) count);
        return this;
    }

    /**
     * {@code limits.maxUriBytes}: the longest request target, longer ones get 414; default 8 KiB.
     *
     * @param bytes 256 up to {@code Integer.MAX_VALUE}
     * @return this builder
     */
    public GatewayConfigBuilder maxUriBytes(long bytes) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_MAX_URI_BYTES, bytes);
        return this;
    }

    /**
     * {@code limits.encodedSlashes}: what routes make of {@code %2F} in a path; default
     * {@link Limits.EncodedSlashes#REFUSE}.
     *
     * @param mode refuse or decode
     * @return this builder
     */
    public GatewayConfigBuilder encodedSlashes(Limits.EncodedSlashes mode) {
        root.section(Keys.TOP_LIMITS).put(Keys.LIMITS_ENCODED_SLASHES, mode);
        return this;
    }

    /**
     * {@code limits.http2.maxConcurrentStreams}: the most requests in flight on one HTTP/2 connection; a stream past
     * it is refused with {@code REFUSED_STREAM}; default 100.
     *
     * @param streams 1 to 10000
     * @return this builder
     */
    public GatewayConfigBuilder http2MaxConcurrentStreams(int streams) {
        root.section(Keys.TOP_LIMITS).section(Keys.LIMITS_HTTP2).put(Keys.HTTP2_MAX_CONCURRENT_STREAMS, (long) streams);
        return this;
    }

    /**
     * {@code accessLog}: turns the access log on. Without this call the builder's access log is off (the YAML
     * default is standard output); once called, lines go to standard output in the combined format unless the
     * definition says otherwise: {@code accessLog(a -> a.path("/var/log/gatehouse.log").format(Format.JSON))}.
     *
     * @param definition sets the destination and format
     * @return this builder
     */
    public GatewayConfigBuilder accessLog(Consumer<AccessLogBuilder> definition) {
        definition.accept(new AccessLogBuilder(root.replaceSection(Keys.TOP_ACCESS_LOG)));
        return this;
    }

    /**
     * {@code log.repeatInterval}: how often a repeating warning is summarised; default 10s.
     *
     * @param interval 0 or more; zero logs every occurrence
     * @return this builder
     */
    public GatewayConfigBuilder logRepeatInterval(Duration interval) {
        root.section(Keys.TOP_LOG).put(Keys.LOG_REPEAT_INTERVAL, interval);
        return this;
    }

    /**
     * {@code shutdown.drainTimeout}: how long a stop (and {@code Gateway.close()}) waits for requests in flight;
     * default 30s.
     *
     * @param timeout 0 or more
     * @return this builder
     */
    public GatewayConfigBuilder drainTimeout(Duration timeout) {
        root.section(Keys.TOP_SHUTDOWN).put(Keys.SHUTDOWN_DRAIN_TIMEOUT, timeout);
        return this;
    }

    /**
     * {@code admin}: turns the daemon's admin listener on ({@code /metrics}, {@code /healthz}, {@code /readyz},
     * {@code /config}); an embedded gateway has none. {@code admin(a -> {})} listens on
     * {@link AdminConfig#DEFAULT_LISTEN}.
     *
     * @param definition sets its address and host names
     * @return this builder
     */
    public GatewayConfigBuilder admin(Consumer<AdminBuilder> definition) {
        definition.accept(new AdminBuilder(root.replaceSection(Keys.TOP_ADMIN)));
        return this;
    }

    /**
     * {@code pidFile}: where the daemon writes its process id; an embedded gateway ignores it.
     *
     * @param path a file; relative paths are taken from the current directory
     * @return this builder
     */
    public GatewayConfigBuilder pidFile(String path) {
        root.put(Keys.PID_FILE, path);
        return this;
    }

    /**
     * {@code watch}: whether the daemon reloads when its configuration file changes; an embedded gateway ignores it.
     *
     * @param watch whether to watch
     * @return this builder
     */
    public GatewayConfigBuilder watch(boolean watch) {
        root.put(Keys.WATCH, watch);
        return this;
    }

    /**
     * {@code tls}: the certificates of the {@code tls} listeners ({@code listen(":443 tls")}) and what they accept:
     * {@code tls(t -> t.certificate("fullchain.pem", "privkey.pem"))}. A {@code tls} listener needs a certificate, here
     * or of a vhost on it; the certificate files are read and checked by {@code build()}. Calls add to what earlier
     * ones set.
     *
     * @param definition adds certificates, and sets the protocols and cipher suites
     * @return this builder
     */
    public GatewayConfigBuilder tls(Consumer<TlsBuilder> definition) {
        definition.accept(new TlsBuilder(root.section(Keys.TOP_TLS)));
        return this;
    }

    /**
     * Adds an entry to {@code vhosts}: {@code vhost(v -> v.hosts("example.com").proxy(p -> ...))}. At least one is
     * required.
     *
     * @param definition gives its hosts, then routes or one action
     * @return this builder
     */
    public GatewayConfigBuilder vhost(Consumer<VirtualHostBuilder> definition) {
        VirtualHostBuilder vhost = new VirtualHostBuilder();
        definition.accept(vhost);
        root.list(Keys.VHOSTS).add(vhost.keys);
        return this;
    }

    /**
     * Validates the settings made so far and makes the configuration.
     *
     * @return the configuration, with no {@link GatewayConfig#source() source}
     * @throws ConfigException with every problem, as {@link GatewayConfig#load} would report them, at line and
     *                         column 0
     */
    public GatewayConfig build() throws ConfigException {
        Map<String, Object> tree = root.tree();
        tree.putIfAbsent(Keys.TOP_ACCESS_LOG.name(), Map.of(Keys.ACCESS_LOG_PATH.name(), AccessLogConfig.OFF));
        Problems problems = new Problems(Optional.empty());
        GatewayConfig config = new ConfigReader(problems, Path.of("")).read(ConfigNode.of(tree), Optional.empty());
        problems.throwIfAny();
        return config;
    }

    /**
     * A mapping being built, and what its setters share: each sets or adds to a key, and returns the builder as its
     * own type {@code B}.
     */
    abstract static class Settings<B extends Settings<B>> {
        final BuilderValues keys;

        Settings(BuilderValues keys) {
            this.keys = keys;
        }

        @SuppressWarnings("unchecked") // B is the class of this builder: each subclass names itself
        final B self() {
            return (B) this;
        }

        final B set(Keys.Key<?> key, Object value) {
            keys.put(key, value);
            return self();
        }

        final B addTo(Keys.Key<?> key, Object... values) {
            keys.add(key, values);
            return self();
        }
    }

    /** {@code accessLog}: where each request's line goes, and its format. */
    public static final class AccessLogBuilder extends Settings<AccessLogBuilder> {

        AccessLogBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code accessLog.path}: the file lines are appended to; default standard output. The YAML spellings work
         * too: {@code "-"} for standard output, {@code "off"}.
         *
         * @param path a file; relative paths are taken from the current directory
         * @return this builder
         */
        public AccessLogBuilder path(String path) {
            return set(Keys.ACCESS_LOG_PATH, path);
        }

        /**
         * {@code accessLog.format}; default {@link AccessLogConfig.Format#COMBINED}.
         *
         * @param format common, combined or JSON lines
         * @return this builder
         */
        public AccessLogBuilder format(AccessLogConfig.Format format) {
            return set(Keys.ACCESS_LOG_FORMAT, format);
        }
    }

    /** {@code {cert, key}}: one certificate's files, as {@code tls.certificates} and a vhost's {@code tls.certificate} take them. */
    private static BuilderValues certificateFiles(String cert, String key) {
        return new BuilderValues().put(Keys.CERTIFICATE_CERT, cert).put(Keys.CERTIFICATE_KEY, key);
    }

    /** {@code tls}: certificates chosen by SNI, protocols and TLS 1.2 cipher suites. */
    public static final class TlsBuilder extends Settings<TlsBuilder> {

        TlsBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code tls.certificates}: adds a certificate. Each connection gets the one whose names best cover the name
         * its client asks for (exact, then wildcard); the first one added is the default.
         *
         * @param cert the PEM chain, leaf first; relative paths are taken from the current directory
         * @param key  the PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC, not encrypted)
         * @return this builder
         */
        public TlsBuilder certificate(String cert, String key) {
            keys.list(Keys.TLS_CERTIFICATES).add(certificateFiles(cert, key));
            return this;
        }

        /**
         * {@code tls.protocols}: adds accepted versions; default {@link TlsConfig#DEFAULT_PROTOCOLS}.
         *
         * @param protocols {@code "TLSv1.3"}, {@code "TLSv1.2"}
         * @return this builder
         */
        public TlsBuilder protocols(String... protocols) {
            return addTo(Keys.TLS_PROTOCOLS, (Object[]) protocols);
        }

        /**
         * {@code tls.ciphers}: adds TLS 1.2 cipher suites, most preferred first; default
         * {@link TlsConfig#DEFAULT_CIPHERS} (Mozilla "intermediate").
         *
         * @param suites IANA names, like {@code "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}
         * @return this builder
         */
        public TlsBuilder ciphers(String... suites) {
            return addTo(Keys.TLS_CIPHERS, (Object[]) suites);
        }
    }

    /** {@code vhosts[].tls}: a vhost's own certificate, HTTPS redirect and HSTS. */
    public static final class VhostTlsBuilder extends Settings<VhostTlsBuilder> {

        VhostTlsBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code tls.certificate}: presented to the names this vhost's hosts match, before the top-level ones.
         *
         * @param cert the PEM chain, leaf first; relative paths are taken from the current directory
         * @param key  the PEM private key
         * @return this builder
         */
        public VhostTlsBuilder certificate(String cert, String key) {
            return set(Keys.VHOST_TLS_CERTIFICATE, certificateFiles(cert, key));
        }

        /**
         * {@code tls.redirect}: on plain listeners, redirect to the same URL over HTTPS (301 for GET and HEAD, 308
         * otherwise), except the ACME challenge path; default false. The vhost needs a {@code tls} listener.
         *
         * @param redirect whether to redirect
         * @return this builder
         */
        public VhostTlsBuilder redirect(boolean redirect) {
            return set(Keys.VHOST_TLS_REDIRECT, redirect);
        }

        /**
         * {@code tls.hsts}: the {@code Strict-Transport-Security} value sent on responses over TLS; default none.
         *
         * @param value {@code max-age=} and seconds first, like {@code "max-age=63072000; includeSubDomains"}
         * @return this builder
         */
        public VhostTlsBuilder hsts(String value) {
            return set(Keys.VHOST_TLS_HSTS, value);
        }
    }

    /** {@code admin}: the daemon's admin listener. */
    public static final class AdminBuilder extends Settings<AdminBuilder> {

        AdminBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code admin.listen}; default {@code 127.0.0.1:9901}. It may not share a public listener's address.
         *
         * @param address {@code "host:port"} or {@code "[v6]:port"}; a bare {@code ":port"} is 127.0.0.1, not every
         *                address as in the top-level {@code listen}
         * @return this builder
         */
        public AdminBuilder listen(String address) {
            return set(Keys.ADMIN_LISTEN, address);
        }

        /**
         * {@code admin.hosts}: adds Host names the admin listener answers besides loopback names and its own address.
         *
         * @param hosts exact names, {@code *.suffix} wildcards or {@code *}
         * @return this builder
         */
        public AdminBuilder hosts(String... hosts) {
            return addTo(Keys.ADMIN_HOSTS, (Object[]) hosts);
        }
    }

    /**
     * One entry of {@code vhosts}: its {@code name}, {@code hosts} and {@code listen} first, then either routes
     * ({@link #route}, once per route) or exactly one action ({@link #proxy(Consumer)}, {@link #files},
     * {@link #echo}), which ends the definition. {@code hosts} is required. (Written as one chain, a second action
     * or routes beside an action do not compile; written as separate statements on this builder, {@code build()}
     * refuses them.)
     */
    public static final class VirtualHostBuilder extends Settings<VirtualHostBuilder> {

        VirtualHostBuilder() {
            super(new BuilderValues());
        }

        /**
         * {@code name}: a label for logs and metrics; default the first host.
         *
         * @param name not empty
         * @return this builder
         */
        public VirtualHostBuilder name(String name) {
            return set(Keys.VHOST_NAME, name);
        }

        /**
         * {@code hosts}: adds the Host names this vhost answers (required). A host pattern may belong to one vhost
         * per listener.
         *
         * @param hosts exact names ({@code example.com}), {@code *.suffix} wildcards ({@code *.example.com}), or
         *              {@code *} for any host
         * @return this builder
         */
        public VirtualHostBuilder hosts(String... hosts) {
            return addTo(Keys.VHOST_HOSTS, (Object[]) hosts);
        }

        /**
         * {@code listen}: adds listeners of this vhost's own, instead of the gateway's default ones.
         *
         * @param addresses as {@link GatewayConfigBuilder#listen(String...)} takes them
         * @return this builder
         */
        public VirtualHostBuilder listen(String... addresses) {
            return addTo(Keys.VHOST_LISTEN, (Object[]) addresses);
        }

        /**
         * {@code tls}: this vhost's own certificate, HTTPS redirect and HSTS.
         *
         * @param definition sets them
         * @return this builder
         */
        public VirtualHostBuilder tls(Consumer<VhostTlsBuilder> definition) {
            definition.accept(new VhostTlsBuilder(keys.section(Keys.VHOST_TLS_GROUP)));
            return this;
        }

        /**
         * {@code proxy}: the single action, forward every request to backends.
         *
         * @param definition gives at least one backend
         */
        public void proxy(Consumer<ProxyBuilder> definition) {
            definition.accept(new ProxyBuilder(keys.replaceSection(Keys.VHOST_PROXY)));
        }

        /**
         * {@code proxy}: the single action, forward every request to backends, as {@code proxy} says: its
         * settings, timeouts included, are taken as they are (the gateway's {@code timeouts} do not apply to it).
         *
         * @param proxy made by {@link ProxyConfig#builder()}, or by another configuration
         */
        public void proxy(ProxyConfig proxy) {
            keys.put(Keys.VHOST_PROXY, ProxySettings.keysOf(proxy));
        }

        /**
         * {@code files}: the single action, serve a document root.
         *
         * @param definition gives the root
         */
        public void files(Consumer<FilesBuilder> definition) {
            definition.accept(new FilesBuilder(keys.replaceSection(Keys.VHOST_FILES)));
        }

        /** {@code echo: {}}: the single action, answer every request with the request as received. */
        public void echo() {
            keys.replaceSection(Keys.VHOST_ECHO);
        }

        /**
         * Adds the first entry to {@code routes}; more follow on the result.
         *
         * @param definition the route's conditions, action and header changes
         * @return the vhost, which now takes only more routes
         */
        public VirtualHostRoutes route(Consumer<RouteBuilder> definition) {
            return new VirtualHostRoutes(keys).route(definition);
        }
    }

    /** A vhost with routes: it takes more routes, and no single action. */
    public static final class VirtualHostRoutes extends Settings<VirtualHostRoutes> {

        VirtualHostRoutes(BuilderValues keys) {
            super(keys);
        }

        /**
         * Adds an entry to {@code routes}. Routes are tried in order; the first whose conditions all hold takes
         * the request.
         *
         * @param definition the route's conditions, action and header changes
         * @return this builder
         */
        public VirtualHostRoutes route(Consumer<RouteBuilder> definition) {
            RouteBuilder route = new RouteBuilder(new BuilderValues());
            definition.accept(route);
            keys.list(Keys.VHOST_ROUTES).add(route.keys);
            return this;
        }
    }

    /**
     * What {@link RouteBuilder} and {@link PrefixRouteBuilder} share: conditions (none: every request), header
     * changes, and the actions, one of which a route needs. An action returns a {@link RouteWithAction}, which takes
     * only header changes.
     *
     * @param <B> the builder's own type, returned by the conditions
     * @param <P> the proxy builder of this kind of route
     */
    public abstract static class RouteSettings<B extends RouteSettings<B, P>, P extends RouteProxySettings<P>>
            extends Settings<B> {

        RouteSettings(BuilderValues keys) {
            super(keys);
        }

        /** @return a proxy builder of this kind of route, writing into {@code proxyKeys} */
        abstract P proxyBuilder(BuilderValues proxyKeys);

        /**
         * {@code match}: a condition, the regex is found in the normalised, decoded path. Its groups are
         * {@code $1..$9} in this route's templates.
         *
         * @param regex a Java regex, searched (anchor it with {@code ^} and {@code $} to match the whole path)
         * @return this builder
         */
        public B match(String regex) {
            return set(Keys.ROUTE_MATCH, regex);
        }

        /**
         * {@code methods}: a condition, adds request methods the route takes; none: any. {@code GET} also takes
         * {@code HEAD}.
         *
         * @param methods like {@code "GET"}, {@code "POST"}
         * @return this builder
         */
        public B methods(String... methods) {
            return addTo(Keys.ROUTE_METHODS, (Object[]) methods);
        }

        /**
         * {@code header: {name}}: a condition, the request has this header. Replaces an earlier header condition.
         *
         * @param name a header name
         * @return this builder
         */
        public B header(String name) {
            keys.replaceSection(Keys.ROUTE_HEADER).put(Keys.HEADER_NAME, name);
            return self();
        }

        /**
         * {@code header: {name, matches}}: a condition, the request has this header and one of its values contains
         * a match of {@code regex}. Replaces an earlier header condition.
         *
         * @param name  a header name
         * @param regex a Java regex, searched in each value
         * @return this builder
         */
        public B headerMatches(String name, String regex) {
            keys.replaceSection(Keys.ROUTE_HEADER).put(Keys.HEADER_NAME, name).put(Keys.HEADER_MATCHES, regex);
            return self();
        }

        /**
         * {@code headers.request}: changes to the headers of requests this route takes.
         *
         * @param definition the headers to set, add and remove
         * @return this builder
         */
        public B requestHeaders(Consumer<HeaderOperationsBuilder> definition) {
            RouteWithAction.headers(keys, Keys.HEADERS_REQUEST, definition);
            return self();
        }

        /**
         * {@code headers.response}: changes to the headers of responses to requests this route takes.
         *
         * @param definition the headers to set, add and remove
         * @return this builder
         */
        public B responseHeaders(Consumer<HeaderOperationsBuilder> definition) {
            RouteWithAction.headers(keys, Keys.HEADERS_RESPONSE, definition);
            return self();
        }

        /**
         * {@code proxy}: the action, forward the request to backends.
         *
         * @param definition gives at least one backend, and may change the path sent to it
         * @return the route, which now takes only header changes
         */
        public RouteWithAction proxy(Consumer<P> definition) {
            definition.accept(proxyBuilder(action(Keys.ROUTE_PROXY_ACTION)));
            return new RouteWithAction(keys);
        }

        /**
         * {@code proxy}: the action, forward the request, with its path unchanged, as {@code proxy} says: its
         * settings, timeouts included, are taken as they are.
         *
         * @param proxy made by {@link ProxyConfig#builder()}, or by another configuration
         * @return the route, which now takes only header changes
         */
        public RouteWithAction proxy(ProxyConfig proxy) {
            keys.put(Keys.ROUTE_PROXY_ACTION, ProxySettings.keysOf(proxy));
            return new RouteWithAction(keys);
        }

        /**
         * {@code files}: the action, serve a document root.
         *
         * @param definition gives the root
         * @return the route, which now takes only header changes
         */
        public RouteWithAction files(Consumer<FilesBuilder> definition) {
            definition.accept(new FilesBuilder(action(Keys.ROUTE_FILES)));
            return new RouteWithAction(keys);
        }

        /**
         * {@code echo: {}}: the action, answer with the request as received.
         *
         * @return the route, which now takes only header changes
         */
        public RouteWithAction echo() {
            action(Keys.ROUTE_ECHO);
            return new RouteWithAction(keys);
        }

        /**
         * {@code redirect: {to}}: the action, answer 302 with a {@code Location}.
         *
         * @param to a path ({@code /posts/$1}) or an absolute URL ({@code https://${host}$1}); the request's query is
         *           appended unless it has a {@code ?} of its own
         * @return the route, which now takes only header changes
         */
        public RouteWithAction redirect(String to) {
            action(Keys.ROUTE_REDIRECT).put(Keys.REDIRECT_TO, to);
            return new RouteWithAction(keys);
        }

        /**
         * {@code redirect: {to, status}}: the action, answer {@code status} with a {@code Location}.
         *
         * @param to     as {@link #redirect(String)} takes it
         * @param status 301, 302, 303, 307 or 308
         * @return the route, which now takes only header changes
         */
        public RouteWithAction redirect(String to, int status) {
            action(Keys.ROUTE_REDIRECT).put(Keys.REDIRECT_TO, to).put(Keys.REDIRECT_STATUS, (long) status);
            return new RouteWithAction(keys);
        }

        /**
         * {@code respond}: the action, answer with a fixed response.
         *
         * @param definition gives the status (required), and may give a body and headers
         * @return the route, which now takes only header changes
         */
        public RouteWithAction respond(Consumer<RespondBuilder> definition) {
            definition.accept(new RespondBuilder(action(Keys.ROUTE_RESPOND)));
            return new RouteWithAction(keys);
        }

        /**
         * {@code rewrite: {to}}: the action, give the request a new path, then the routes after this one are tried.
         *
         * @param to the new path and optional query, with this route's captures ({@code /index.php?q=$1})
         * @return the route, which now takes only header changes
         */
        public RouteWithAction rewrite(String to) {
            action(Keys.ROUTE_REWRITE).put(Keys.REWRITE_TO, to);
            return new RouteWithAction(keys);
        }

        /** The action's mapping under {@code kind}, new. */
        private BuilderValues action(Keys.Key<?> kind) {
            return keys.replaceSection(kind);
        }
    }

    /**
     * One entry of a vhost's {@code routes}: conditions ({@link #path}, {@link #match}, {@link #methods}, a header;
     * none: every request), then exactly one action, then header changes.
     */
    public static final class RouteBuilder extends RouteSettings<RouteBuilder, RouteProxyBuilder> {

        RouteBuilder(BuilderValues keys) {
            super(keys);
        }

        @Override
        RouteProxyBuilder proxyBuilder(BuilderValues proxyKeys) {
            return new RouteProxyBuilder(proxyKeys);
        }

        /**
         * {@code path}: a condition, the normalised, decoded path starts with {@code prefix} (a plain string prefix,
         * like nginx's {@code location /api/}). A route with a path has a proxy that can
         * {@link PrefixRouteProxyBuilder#stripPrefix() strip} it.
         *
         * @param prefix starting with {@code /}, like {@code /api/}
         * @return this route, as a route with a path
         */
        public PrefixRouteBuilder path(String prefix) {
            keys.put(Keys.ROUTE_PATH, prefix);
            return new PrefixRouteBuilder(keys);
        }
    }

    /** A route with a {@code path} prefix: its proxy may strip the prefix from the path sent to the backend. */
    public static final class PrefixRouteBuilder extends RouteSettings<PrefixRouteBuilder, PrefixRouteProxyBuilder> {

        PrefixRouteBuilder(BuilderValues keys) {
            super(keys);
        }

        @Override
        PrefixRouteProxyBuilder proxyBuilder(BuilderValues proxyKeys) {
            return new PrefixRouteProxyBuilder(proxyKeys);
        }
    }

    /** A route that has its action: what is left are header changes. */
    public static final class RouteWithAction extends Settings<RouteWithAction> {

        RouteWithAction(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code headers.request}: changes to the headers of requests this route takes.
         *
         * @param definition the headers to set, add and remove
         * @return this builder
         */
        public RouteWithAction requestHeaders(Consumer<HeaderOperationsBuilder> definition) {
            headers(keys, Keys.HEADERS_REQUEST, definition);
            return this;
        }

        /**
         * {@code headers.response}: changes to the headers of responses to requests this route takes.
         *
         * @param definition the headers to set, add and remove
         * @return this builder
         */
        public RouteWithAction responseHeaders(Consumer<HeaderOperationsBuilder> definition) {
            headers(keys, Keys.HEADERS_RESPONSE, definition);
            return this;
        }

        static void headers(BuilderValues route, Keys.Key<?> side, Consumer<HeaderOperationsBuilder> definition) {
            definition.accept(new HeaderOperationsBuilder(route.section(Keys.ROUTE_HEADERS).section(side)));
        }
    }

    /** The {@code respond} action of a route: {@code status} is required. */
    public static final class RespondBuilder extends Settings<RespondBuilder> {

        RespondBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code status} (required).
         *
         * @param status 200 to 599
         * @return this builder
         */
        public RespondBuilder status(int status) {
            return set(Keys.RESPOND_STATUS, (long) status);
        }

        /**
         * {@code body}: sent as written; none with status 204 or 304.
         *
         * @param body the response body
         * @return this builder
         */
        public RespondBuilder body(String body) {
            return set(Keys.RESPOND_BODY, body);
        }

        /**
         * Adds one of {@code headers}.
         *
         * @param name  a response header name
         * @param value its value, a template ({@code ${host}}, the route's {@code $1})
         * @return this builder
         */
        public RespondBuilder header(String name, String value) {
            keys.entries(Keys.RESPOND_HEADERS).put(name, value);
            return this;
        }
    }

    /** {@code set}, {@code add} and {@code remove} of a route's {@code headers.request} or {@code headers.response}. */
    public static final class HeaderOperationsBuilder extends Settings<HeaderOperationsBuilder> {

        HeaderOperationsBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * Adds one entry to {@code set}: the header gets this one value, replacing any.
         *
         * @param name  a header name
         * @param value its value, a template ({@code ${client_ip}}, the route's {@code $1})
         * @return this builder
         */
        public HeaderOperationsBuilder set(String name, String value) {
            keys.entries(Keys.HEADERS_SET).put(name, value);
            return this;
        }

        /**
         * Adds one entry to {@code add}: one more value for the header.
         *
         * @param name  a header name
         * @param value its value, a template
         * @return this builder
         */
        public HeaderOperationsBuilder add(String name, String value) {
            keys.entries(Keys.HEADERS_ADD).put(name, value);
            return this;
        }

        /**
         * Adds names to {@code remove}.
         *
         * @param names header names
         * @return this builder
         */
        public HeaderOperationsBuilder remove(String... names) {
            return addTo(Keys.HEADERS_REMOVE, (Object[]) names);
        }
    }

    /**
     * The {@code proxy} keys every proxy takes: of a vhost, of a route, and one made on its own
     * ({@link ProxyConfigBuilder}). {@link #backend} is required.
     *
     * @param <B> the builder's own type, returned by each setting
     */
    public abstract static class ProxySettings<B extends ProxySettings<B>> extends Settings<B> {

        ProxySettings(BuilderValues keys) {
            super(keys);
        }

        /**
         * Adds one of {@code backends} (at least one is required); requests are spread over them as
         * {@link #balance} says.
         *
         * @param url {@code http://host:port} or {@code http://host} (port 80), without path, query or user info
         * @return this builder
         */
        public B backend(String url) {
            return addTo(Keys.PROXY_BACKENDS, url);
        }

        /**
         * {@code preserveHost}: send the client's Host to the backend (Apache's {@code ProxyPreserveHost On}),
         * rather than the backend's host and port; default true.
         *
         * @param preserveHost whether to send the client's Host
         * @return this builder
         */
        public B preserveHost(boolean preserveHost) {
            return set(Keys.PROXY_PRESERVE_HOST, preserveHost);
        }

        /**
         * {@code timeouts.connect}: for opening a backend connection, past it 502 (or the next backend); default the
         * gateway's {@code timeouts.connect}.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public B connectTimeout(Duration timeout) {
            keys.section(Keys.PROXY_TIMEOUTS_GROUP).put(Keys.PROXY_TIMEOUTS_CONNECT, timeout);
            return self();
        }

        /**
         * {@code timeouts.response}: for the backend's response once the request is sent, past it 504; default the
         * gateway's {@code timeouts.response}.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public B responseTimeout(Duration timeout) {
            keys.section(Keys.PROXY_TIMEOUTS_GROUP).put(Keys.PROXY_TIMEOUTS_RESPONSE, timeout);
            return self();
        }

        /**
         * {@code timeouts.read}: the longest the backend may go silent between two reads of its response body, past
         * it the response is cut off and both connections closed; default the gateway's {@code timeouts.read}.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public B readTimeout(Duration timeout) {
            keys.section(Keys.PROXY_TIMEOUTS_GROUP).put(Keys.PROXY_TIMEOUTS_READ, timeout);
            return self();
        }

        /**
         * {@code timeouts.idle}: a pooled backend connection left unused this long is closed; default 60s.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public B idleTimeout(Duration timeout) {
            keys.section(Keys.PROXY_TIMEOUTS_GROUP).put(Keys.PROXY_TIMEOUTS_IDLE, timeout);
            return self();
        }

        /**
         * {@code connections}: idle keep-alive connections kept per backend and IO thread; default 64.
         *
         * @param connections at least 1
         * @return this builder
         */
        public B connections(int connections) {
            return set(Keys.PROXY_CONNECTIONS, (long) connections);
        }

        /**
         * {@code maxConnections}: the most connections open per backend and IO thread, past which requests wait in
         * the {@link #queue}; default 0, no cap.
         *
         * @param maxConnections 0 (no cap) or more
         * @return this builder
         */
        public B maxConnections(int maxConnections) {
            return set(Keys.PROXY_MAX_CONNECTIONS, (long) maxConnections);
        }

        /**
         * {@code queue}: with {@link #maxConnections}, requests that may wait for a connection before 503; default
         * 1024.
         *
         * @param queue 0 or more
         * @return this builder
         */
        public B queue(int queue) {
            return set(Keys.PROXY_QUEUE, (long) queue);
        }

        /**
         * {@code balance}: how a request's backend is chosen; default {@link ProxyConfig.Balance#ROUND_ROBIN}.
         *
         * @param balance the policy
         * @return this builder
         */
        public B balance(ProxyConfig.Balance balance) {
            return set(Keys.PROXY_BALANCE, balance);
        }

        /**
         * {@code retries}: further backends a failed request may be tried on; default one fewer than the backends.
         *
         * @param retries 0 to 100
         * @return this builder
         */
        public B retries(int retries) {
            return set(Keys.PROXY_RETRIES, (long) retries);
        }

        /**
         * {@code health.failures} and {@code health.coolOff}: when a backend whose connections fail is taken out of
         * rotation, and for how long; default 3 failures, 10s.
         *
         * @param definition sets the failures and the cool-off
         * @return this builder
         */
        public B passiveHealth(Consumer<PassiveHealthBuilder> definition) {
            definition.accept(new PassiveHealthBuilder(keys.section(Keys.PROXY_HEALTH)));
            return self();
        }

        /**
         * {@code health.path}, {@code health.interval}, {@code health.expect}: the active check, a {@code GET} of the
         * path to every backend each interval. Its {@link HealthCheckBuilder#path path} is required.
         *
         * @param definition sets the path, and may set the interval and the status expected
         * @return this builder
         */
        public B healthCheck(Consumer<HealthCheckBuilder> definition) {
            definition.accept(new HealthCheckBuilder(keys.section(Keys.PROXY_HEALTH)));
            return self();
        }

        /**
         * {@code tls.ca} and {@code tls.insecureSkipVerify}: how the certificates of {@code https://} backends are
         * verified; by default against the JVM's trust store, with the backend's host name.
         *
         * @param definition sets the CA file, or turns verification off
         * @return this builder
         */
        public B tls(Consumer<BackendTlsBuilder> definition) {
            definition.accept(new BackendTlsBuilder(keys.section(Keys.PROXY_TLS)));
            return self();
        }

        /** The keys that give {@code proxy} when read: each setting explicit, so none is derived again. */
        static BuilderValues keysOf(ProxyConfig proxy) {
            BuilderValues keys = new BuilderValues();
            proxy.backends().forEach(backend -> keys.add(Keys.PROXY_BACKENDS, backend.toString()));
            keys.put(Keys.PROXY_PRESERVE_HOST, proxy.preserveHost());
            keys.section(Keys.PROXY_TIMEOUTS_GROUP).put(Keys.PROXY_TIMEOUTS_CONNECT, proxy.connectTimeout())
                    .put(Keys.PROXY_TIMEOUTS_RESPONSE, proxy.responseTimeout()).put(Keys.PROXY_TIMEOUTS_READ, proxy.readTimeout())
                    .put(Keys.PROXY_TIMEOUTS_IDLE, proxy.idleTimeout());
            keys.put(Keys.PROXY_CONNECTIONS, (long) proxy.connectionsPerBackend())
                    .put(Keys.PROXY_MAX_CONNECTIONS, (long) proxy.maxConnections())
                    .put(Keys.PROXY_QUEUE, (long) proxy.queueSize()).put(Keys.PROXY_BALANCE, proxy.balance())
                    .put(Keys.PROXY_RETRIES, (long) proxy.retries());
            BuilderValues health = keys.section(Keys.PROXY_HEALTH).put(Keys.HEALTH_FAILURES, (long) proxy.health().failures())
                    .put(Keys.HEALTH_COOL_OFF, proxy.health().coolOff());
            proxy.health().check().ifPresent(check -> health.put(Keys.HEALTH_PATH, check.path())
                    .put(Keys.HEALTH_INTERVAL, check.interval()).put(Keys.HEALTH_EXPECT, (long) check.expect()));
            BuilderValues tls = keys.section(Keys.PROXY_TLS).put(Keys.BACKEND_TLS_INSECURE_SKIP_VERIFY, proxy.tls().insecureSkipVerify());
            proxy.tls().ca().ifPresent(ca -> tls.put(Keys.BACKEND_TLS_CA, ca.toString()));
            return keys;
        }
    }

    /** The {@code proxy} of a vhost: the keys every proxy takes. */
    public static final class ProxyBuilder extends ProxySettings<ProxyBuilder> {

        ProxyBuilder(BuilderValues keys) {
            super(keys);
        }
    }

    /**
     * The {@code proxy} of a route: the keys every proxy takes, and the path sent to the backend.
     *
     * @param <B> the builder's own type, returned by each setting
     */
    public abstract static class RouteProxySettings<B extends RouteProxySettings<B>> extends ProxySettings<B> {

        RouteProxySettings(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code path}: the path and optional query sent to the backend instead of the request's own; the
         * request's query is appended unless the template has a {@code ?}. Replaces a {@code stripPrefix}.
         *
         * @param template like {@code /$1} (the route's {@code match} groups) or {@code /v2/$1?%{QUERY}}
         * @return this builder
         */
        public B path(String template) {
            keys.remove(Keys.ROUTE_PROXY_STRIP_PREFIX);
            return set(Keys.ROUTE_PROXY_PATH, template);
        }
    }

    /** The {@code proxy} of a route without a {@code path} prefix. */
    public static final class RouteProxyBuilder extends RouteProxySettings<RouteProxyBuilder> {

        RouteProxyBuilder(BuilderValues keys) {
            super(keys);
        }
    }

    /** The {@code proxy} of a route with a {@code path} prefix, which it may strip. */
    public static final class PrefixRouteProxyBuilder extends RouteProxySettings<PrefixRouteProxyBuilder> {

        PrefixRouteProxyBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code stripPrefix: true}: the route's path prefix is removed from the path sent to the backend (what is
         * left keeps one leading slash: {@code /api/users} under {@code /api/} goes as {@code /users}), the query
         * kept. Replaces a {@link #path(String) path} template.
         *
         * @return this builder
         */
        public PrefixRouteProxyBuilder stripPrefix() {
            keys.remove(Keys.ROUTE_PROXY_PATH);
            return set(Keys.ROUTE_PROXY_STRIP_PREFIX, true);
        }
    }

    /** {@code health.failures} and {@code health.coolOff} of a proxy. */
    public static final class PassiveHealthBuilder extends Settings<PassiveHealthBuilder> {

        PassiveHealthBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code health.failures}: refused or reset connections in a row that take a backend out (nginx's
         * {@code max_fails}); default 3.
         *
         * @param failures 1 to 1000
         * @return this builder
         */
        public PassiveHealthBuilder failures(int failures) {
            return set(Keys.HEALTH_FAILURES, (long) failures);
        }

        /**
         * {@code health.coolOff}: how long a backend stays out before it is tried again (nginx's
         * {@code fail_timeout}); default 10s.
         *
         * @param coolOff more than zero
         * @return this builder
         */
        public PassiveHealthBuilder coolOff(Duration coolOff) {
            return set(Keys.HEALTH_COOL_OFF, coolOff);
        }
    }

    /** A proxy's {@code tls}: how its {@code https://} backends' certificates are verified. */
    public static final class BackendTlsBuilder extends Settings<BackendTlsBuilder> {

        BackendTlsBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code tls.ca}: trust the CAs in this PEM file instead of the JVM's (nginx
         * {@code proxy_ssl_trusted_certificate}); it is read when the proxy is built, which fails if it holds none.
         *
         * @param pemFile a file of {@code BEGIN CERTIFICATE} blocks, relative to the current directory
         * @return this builder
         */
        public BackendTlsBuilder ca(String pemFile) {
            return set(Keys.BACKEND_TLS_CA, pemFile);
        }

        /**
         * {@code tls.insecureSkipVerify}: accept any certificate for any name (nginx {@code proxy_ssl_verify off});
         * for tests against self-signed backends only, and warned about by {@link GatewayConfig#warnings()}.
         *
         * @param skip true to verify nothing; default false
         * @return this builder
         */
        public BackendTlsBuilder insecureSkipVerify(boolean skip) {
            return set(Keys.BACKEND_TLS_INSECURE_SKIP_VERIFY, skip);
        }
    }

    /**
     * The active check of a proxy: {@code GET path} to every backend each {@code interval}; any answer other than
     * {@code expect}, or none within the interval, takes the backend out until a check passes again.
     */
    public static final class HealthCheckBuilder extends Settings<HealthCheckBuilder> {

        HealthCheckBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code health.path} (required): what is requested.
         *
         * @param path visible ASCII starting with {@code /}, like {@code /healthz}
         * @return this builder
         */
        public HealthCheckBuilder path(String path) {
            return set(Keys.HEALTH_PATH, path);
        }

        /**
         * {@code health.interval}: between checks; default 5s.
         *
         * @param interval more than zero
         * @return this builder
         */
        public HealthCheckBuilder interval(Duration interval) {
            return set(Keys.HEALTH_INTERVAL, interval);
        }

        /**
         * {@code health.expect}: the status of a passing check; default 200.
         *
         * @param status 100 to 599
         * @return this builder
         */
        public HealthCheckBuilder expect(int status) {
            return set(Keys.HEALTH_EXPECT, (long) status);
        }
    }

    /** The {@code files} of a vhost or a route: {@link #root} is required. */
    public static final class FilesBuilder extends Settings<FilesBuilder> {

        FilesBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code root} (required): the document root.
         *
         * @param root a directory, with lighttpd mod_evhost tokens ({@code /home/%0/public_html}: {@code %0} the
         *             domain, {@code %1}..{@code %4} its labels, {@code %_} the whole host); relative paths are taken
         *             from the current directory
         * @return this builder
         */
        public FilesBuilder root(String root) {
            return set(Keys.FILES_ROOT, root);
        }

        /**
         * {@code fallbackRoot}: served when the directory {@code root} names does not exist.
         *
         * @param fallbackRoot a directory, without tokens
         * @return this builder
         */
        public FilesBuilder fallbackRoot(String fallbackRoot) {
            return set(Keys.FILES_FALLBACK_ROOT, fallbackRoot);
        }

        /**
         * {@code index}: adds file names tried, in order, for a directory request; default {@code index.html}.
         * Called with none (and never with any), no index file is served.
         *
         * @param names file names
         * @return this builder
         */
        public FilesBuilder index(String... names) {
            return addTo(Keys.FILES_INDEX, (Object[]) names);
        }

        /**
         * {@code deny}: adds path suffixes answered 403 (lighttpd's {@code url.access-deny}).
         *
         * @param suffixes like {@code "~"}, {@code ".inc"}
         * @return this builder
         */
        public FilesBuilder deny(String... suffixes) {
            return addTo(Keys.FILES_DENY, (Object[]) suffixes);
        }

        /**
         * {@code staticExclude}: adds file name extensions never sent as files (answered 403), instead of
         * {@link FilesConfig#DEFAULT_STATIC_EXCLUDE}. Called with none (and never with any), every file is sent,
         * scripts included.
         *
         * @param extensions like {@code ".php"}: a dot, then the rest of the extension; compared ignoring case
         * @return this builder
         */
        public FilesBuilder staticExclude(String... extensions) {
            return addTo(Keys.FILES_STATIC_EXCLUDE, (Object[]) extensions);
        }

        /**
         * {@code listing}: list a directory without an index file; default false.
         *
         * @param listing whether to list
         * @return this builder
         */
        public FilesBuilder listing(boolean listing) {
            return set(Keys.FILES_LISTING, listing);
        }

        /**
         * {@code noRanges}: adds regexes of paths served without range support.
         *
         * @param regexes Java regexes, searched in the path
         * @return this builder
         */
        public FilesBuilder noRanges(String... regexes) {
            return addTo(Keys.FILES_NO_RANGES, (Object[]) regexes);
        }

        /**
         * Adds one entry to {@code mimeTypes}, over the built-in table.
         *
         * @param extension   a file name extension, without the dot
         * @param contentType its Content-Type, like {@code text/markdown; charset=utf-8}
         * @return this builder
         */
        public FilesBuilder mimeType(String extension, String contentType) {
            keys.entries(Keys.FILES_MIME_TYPES).put(extension, contentType);
            return this;
        }

        /**
         * {@code precompressed}: serve {@code name.br} / {@code name.gz} siblings to clients that accept them; default
         * false.
         *
         * @param precompressed whether to serve them
         * @return this builder
         */
        public FilesBuilder precompressed(boolean precompressed) {
            return set(Keys.FILES_PRECOMPRESSED, precompressed);
        }

        /**
         * {@code gzip}: turns on-the-fly gzip on, with the default types and minimum size.
         *
         * @return this builder
         */
        public FilesBuilder gzip() {
            return gzip(g -> { });
        }

        /**
         * {@code gzip}: turns on-the-fly gzip on, as {@code definition} says:
         * {@code gzip(g -> g.minSize(2048).types("text/*", "application/json"))}.
         *
         * @param definition sets the minimum size and the types
         * @return this builder
         */
        public FilesBuilder gzip(Consumer<GzipBuilder> definition) {
            definition.accept(new GzipBuilder(keys.replaceSection(Keys.FILES_GZIP).put(Keys.GZIP_ENABLED, true)));
            return this;
        }

        /**
         * {@code cache}: the {@code Cache-Control} of file responses; none by default.
         *
         * @param definition sets {@code max-age} and {@code immutable}
         * @return this builder
         */
        public FilesBuilder cache(Consumer<CacheBuilder> definition) {
            definition.accept(new CacheBuilder(keys.replaceSection(Keys.FILES_CACHE)));
            return this;
        }

        /**
         * {@code dotfiles}: whether a path with a segment starting with a dot is served; default
         * {@link FilesConfig.Dotfiles#DENY}.
         *
         * @param dotfiles deny or allow
         * @return this builder
         */
        public FilesBuilder dotfiles(FilesConfig.Dotfiles dotfiles) {
            return set(Keys.FILES_DOTFILES, dotfiles);
        }

        /**
         * Adds one entry to {@code errorPages}: the page served with {@code status}.
         *
         * @param status 400 to 599
         * @param page   a path inside the root, like {@code /errors/404.html}
         * @return this builder
         */
        public FilesBuilder errorPage(int status, String page) {
            keys.entries(Keys.FILES_ERROR_PAGES).put(String.valueOf(status), page);
            return this;
        }

        /**
         * {@code symlinks}: which symbolic links below the root are followed; default
         * {@link FilesConfig.Symlinks#INSIDE_ROOT}.
         *
         * @param symlinks the policy
         * @return this builder
         */
        public FilesBuilder symlinks(FilesConfig.Symlinks symlinks) {
            return set(Keys.FILES_SYMLINKS, symlinks);
        }

        /**
         * {@code fastcgi}: run the files whose names end in its extensions through FastCGI servers instead of sending
         * them, like {@code f.fastcgi(c -> c.backend("127.0.0.1:9000"))}.
         *
         * @param definition sets at least one backend
         * @return this builder
         */
        public FilesBuilder fastcgi(Consumer<FastCgiBuilder> definition) {
            definition.accept(new FastCgiBuilder(keys.replaceSection(Keys.FILES_FASTCGI)));
            return this;
        }
    }

    /** {@code files.fastcgi}: the FastCGI servers a document root's scripts run on. */
    public static final class FastCgiBuilder extends Settings<FastCgiBuilder> {

        FastCgiBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code fastcgi.backends}: adds a server; at least one is required.
         *
         * @param server {@code host:port} over TCP, like {@code 127.0.0.1:9000}, or {@code unix:} and a socket's
         *               absolute path, like {@code unix:/run/php/php8.2-fpm.sock}
         * @return this builder
         */
        public FastCgiBuilder backend(String server) {
            return addTo(Keys.FASTCGI_BACKENDS, server);
        }

        /**
         * {@code fastcgi.extensions}: adds endings run through FastCGI, instead of
         * {@link FastCgiConfig#DEFAULT_EXTENSIONS}.
         *
         * @param extensions like {@code .php}, matched case-sensitively
         * @return this builder
         */
        public FastCgiBuilder extensions(String... extensions) {
            return addTo(Keys.FASTCGI_EXTENSIONS, (Object[]) extensions);
        }

        /**
         * {@code fastcgi.frontController}: the script that runs for a request whose path names no file and no
         * directory, instead of a 404, as nginx's {@code try_files $uri $uri/ /index.php} does (src-docs/files.md,
         * "Front controllers").
         *
         * @param path a path inside the document root ending in one of the extensions, like {@code /index.php}
         * @return this builder
         */
        public FastCgiBuilder frontController(String path) {
            return set(Keys.FASTCGI_FRONT_CONTROLLER, path);
        }

        /**
         * {@code fastcgi.keepAlive}: idle connections kept open to each server between requests, across IO threads;
         * default {@code maxConnections} (none when uncapped).
         *
         * @param connections 0 to {@link FastCgiConfig#maxKeepAlive}
         * @return this builder
         */
        public FastCgiBuilder keepAlive(int connections) {
            return set(Keys.FASTCGI_KEEP_ALIVE, connections);
        }

        /**
         * {@code fastcgi.maxConnections}: connections open at once to each server, across IO threads; the requests
         * beyond them wait in the gateway, in order. Default {@link FastCgiConfig#defaultMaxConnections}.
         *
         * @param connections 0 (no cap) or more; with spawn, at most each process's workers
         * @return this builder
         */
        public FastCgiBuilder maxConnections(int connections) {
            return set(Keys.FASTCGI_MAX_CONNECTIONS, connections);
        }

        /**
         * {@code fastcgi.timeouts.response}: how long the script may take to send its response head; default the
         * top-level {@code timeouts.response}.
         *
         * @param timeout more than 0
         * @return this builder
         */
        public FastCgiBuilder responseTimeout(Duration timeout) {
            keys.section(Keys.FASTCGI_TIMEOUTS_GROUP).put(Keys.FASTCGI_TIMEOUTS_RESPONSE, timeout);
            return this;
        }

        /**
         * {@code fastcgi.timeouts.read}: the longest a script may go silent between two reads of its response body,
         * past it the response is cut off and the connection closed; default the top-level {@code timeouts.read}.
         *
         * @param timeout more than 0
         * @return this builder
         */
        public FastCgiBuilder readTimeout(Duration timeout) {
            keys.section(Keys.FASTCGI_TIMEOUTS_GROUP).put(Keys.FASTCGI_TIMEOUTS_READ, timeout);
            return this;
        }

        /**
         * {@code fastcgi.timeouts.connect}: how long opening a connection to a server, or waiting in the gateway for
         * one ({@code maxConnections}), may take; default the top-level {@code timeouts.connect}.
         *
         * @param timeout more than 0
         * @return this builder
         */
        public FastCgiBuilder connectTimeout(Duration timeout) {
            keys.section(Keys.FASTCGI_TIMEOUTS_GROUP).put(Keys.FASTCGI_TIMEOUTS_CONNECT, timeout);
            return this;
        }

        /**
         * {@code fastcgi.spawn}: php-cgi processes the gateway starts, restarts and stops, instead of backends, like
         * {@code c.spawn(s -> s.command("/usr/bin/php-cgi").children(8))}.
         *
         * @param definition sets what differs from the defaults; may set nothing
         * @return this builder
         */
        public FastCgiBuilder spawn(Consumer<SpawnBuilder> definition) {
            definition.accept(new SpawnBuilder(keys.replaceSection(Keys.FASTCGI_SPAWN)));
            return this;
        }
    }

    /** {@code files.fastcgi.spawn}: the php-cgi processes the gateway runs (src-docs/files.md, "Spawning php-cgi"). */
    public static final class SpawnBuilder extends Settings<SpawnBuilder> {

        SpawnBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code spawn.command}: the program and its arguments, split at spaces; default
         * {@link FastCgiConfig.Spawn#DEFAULT_COMMAND}.
         *
         * @param command like {@code /usr/bin/php-cgi -c /etc/php/php.ini}; its program must be executable
         * @return this builder
         */
        public SpawnBuilder command(String command) {
            return set(Keys.SPAWN_COMMAND, command);
        }

        /**
         * {@code spawn.processes}: php-cgi masters, each on its own port (lighttpd's {@code max-procs}).
         *
         * @param processes 1 to 64
         * @return this builder
         */
        public SpawnBuilder processes(int processes) {
            return set(Keys.SPAWN_PROCESSES, processes);
        }

        /**
         * {@code spawn.children}: workers per master ({@code PHP_FCGI_CHILDREN}).
         *
         * @param children 0 to 1000; 0, the master serves alone
         * @return this builder
         */
        public SpawnBuilder children(int children) {
            return set(Keys.SPAWN_CHILDREN, children);
        }

        /**
         * {@code spawn.maxRequests}: requests a worker serves before php-cgi replaces it ({@code PHP_FCGI_MAX_REQUESTS}).
         *
         * @param maxRequests 1 or more
         * @return this builder
         */
        public SpawnBuilder maxRequests(int maxRequests) {
            return set(Keys.SPAWN_MAX_REQUESTS, maxRequests);
        }
    }

    /** {@code files.gzip}: which responses are compressed on the fly. */
    public static final class GzipBuilder extends Settings<GzipBuilder> {

        GzipBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code gzip.minSize}: smaller files are sent as they are; default 1024.
         *
         * @param bytes 0 or more
         * @return this builder
         */
        public GzipBuilder minSize(long bytes) {
            return set(Keys.GZIP_MIN_SIZE, bytes);
        }

        /**
         * {@code gzip.types}: adds media types compressed, instead of {@link FilesConfig.Gzip#DEFAULT_TYPES}.
         *
         * @param mediaTypes without parameters; {@code text/*} matches every text type
         * @return this builder
         */
        public GzipBuilder types(String... mediaTypes) {
            return addTo(Keys.GZIP_TYPES, (Object[]) mediaTypes);
        }
    }

    /** {@code files.cache}: the {@code Cache-Control} of file responses (200, 206, 304). */
    public static final class CacheBuilder extends Settings<CacheBuilder> {

        CacheBuilder(BuilderValues keys) {
            super(keys);
        }

        /**
         * {@code cache.maxAge}: {@code max-age}.
         *
         * @param maxAge 0 or more
         * @return this builder
         */
        public CacheBuilder maxAge(Duration maxAge) {
            return set(Keys.CACHE_MAX_AGE, maxAge);
        }

        /**
         * {@code cache.immutable}: adds {@code immutable} (RFC 8246), for file names that change with their content;
         * default false.
         *
         * @param immutable whether to add it
         * @return this builder
         */
        public CacheBuilder immutable(boolean immutable) {
            return set(Keys.CACHE_IMMUTABLE, immutable);
        }
    }
}
