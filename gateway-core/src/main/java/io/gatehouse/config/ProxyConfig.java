package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code proxy}: forward requests to backends. Two proxy actions with equal settings share one connection pool and
 * one health state per backend ({@link #poolKey()}).
 *
 * @param backends            {@code http://host:port} or {@code https://host:port} URIs (no path, query or user info);
 *                            the two may be mixed, {@code tls} applies to the https ones
 * @param preserveHost        true: the client's Host goes to the backend (Apache ProxyPreserveHost On)
 * @param connectTimeout      for a backend connection; past it the request gets 502 (or goes to another backend)
 * @param responseTimeout     for the backend's response once the request is sent; past it, 504
 * @param connectionsPerBackend idle keep-alive connections kept per backend and IO thread (nginx {@code keepalive});
 *                            more are opened whenever the load needs them, unless {@code maxConnections} caps them
 * @param queueSize           with {@code maxConnections}: requests that may wait for a connection before 503
 * @param balance             how a request's backend is chosen
 * @param health              when a backend is marked out of rotation, and the optional active check
 * @param retries             further backends a failed request may be tried on (0: none)
 * @param idleTimeout         a pooled connection to a backend left unused this long is closed
 * @param maxConnections      0: no cap (the default); else the most connections open to a backend per IO thread
 *                            (nginx {@code max_conns}, HAProxy {@code maxconn}), requests past it wait in the queue
 * @param tls                 how the certificates of {@code https} backends are verified
 * @param readTimeout         between two reads of the backend's response body, once its head arrived; past it the
 *                            response is cut off (the client sees it incomplete) and both connections are closed
 */
public record ProxyConfig(
        List<URI> backends,
        boolean preserveHost,
        Duration connectTimeout,
        Duration responseTimeout,
        int connectionsPerBackend,
        int queueSize,
        Balance balance,
        Health health,
        int retries,
        Duration idleTimeout,
        int maxConnections,
        Tls tls,
        Duration readTimeout) implements Action {

    /** {@code proxy.preserveHost} when not given: the client's Host goes to the backend, as ProxyPreserveHost On. */
    public static final boolean DEFAULT_PRESERVE_HOST = true;
    /** {@code proxy.connections} when not given. */
    public static final int DEFAULT_CONNECTIONS_PER_BACKEND = 64;
    /** No cap on open backend connections: as many as the load needs, like nginx, HAProxy and Caddy by default. */
    public static final int NO_CONNECTION_CAP = 0;
    /** {@code proxy.queue} when not given. */
    public static final int DEFAULT_QUEUE_SIZE = 1024;
    /** {@code proxy.balance} when not given. */
    public static final Balance DEFAULT_BALANCE = Balance.ROUND_ROBIN;
    /**
     * nginx's upstream {@code keepalive_timeout}: shorter than the 75 s an nginx backend keeps an idle client
     * connection, so that the proxy closes it first instead of sending a request into the backend's close.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Checks each value is one the YAML loader would take; copies the backends.
     *
     * @param backends              at least one
     * @param preserveHost          whether the client's Host goes to the backend
     * @param connectTimeout        more than 0
     * @param responseTimeout       more than 0
     * @param connectionsPerBackend 1 or more
     * @param queueSize             0 or more
     * @param balance               not null
     * @param health                not null
     * @param retries               0 to 100
     * @param idleTimeout           more than 0
     * @param maxConnections        0 (no cap) or more
     * @param tls                   not null
     * @param readTimeout           more than 0
     * @throws IllegalArgumentException naming the {@code proxy} key of a value outside its range
     * @throws NullPointerException     naming the key of a missing value
     */
    public ProxyConfig {
        backends = List.copyOf(RecordChecks.notEmpty(Keys.PROXY_BACKENDS, backends));
        RecordChecks.positive(Keys.PROXY_TIMEOUTS_CONNECT, connectTimeout);
        RecordChecks.positive(Keys.PROXY_TIMEOUTS_RESPONSE, responseTimeout);
        RecordChecks.positive(Keys.PROXY_TIMEOUTS_IDLE, idleTimeout);
        RecordChecks.positive(Keys.PROXY_TIMEOUTS_READ, readTimeout);
        RecordChecks.between(Keys.PROXY_CONNECTIONS, connectionsPerBackend, 1, Integer.MAX_VALUE);
        RecordChecks.between(Keys.PROXY_QUEUE, queueSize, 0, Integer.MAX_VALUE);
        RecordChecks.between(Keys.PROXY_RETRIES, retries, 0, 100);
        RecordChecks.between(Keys.PROXY_MAX_CONNECTIONS, maxConnections, 0, Integer.MAX_VALUE);
        RecordChecks.present(Keys.PROXY_BALANCE, balance);
        RecordChecks.present(Keys.PROXY_HEALTH, health);
        RecordChecks.present(Keys.PROXY_TLS, tls);
    }

    /**
     * A proxy with the default {@code timeouts.read} ({@link Timeouts#DEFAULT_READ}): the constructor before
     * {@code readTimeout} was added.
     *
     * @param backends              at least one
     * @param preserveHost          whether the client's Host goes to the backend
     * @param connectTimeout        more than 0
     * @param responseTimeout       more than 0
     * @param connectionsPerBackend 1 or more
     * @param queueSize             0 or more
     * @param balance               not null
     * @param health                not null
     * @param retries               0 to 100
     * @param idleTimeout           more than 0
     * @param maxConnections        0 (no cap) or more
     * @param tls                   not null
     * @throws IllegalArgumentException naming the {@code proxy} key of a value outside its range
     * @throws NullPointerException     naming the key of a missing value
     */
    public ProxyConfig(List<URI> backends, boolean preserveHost, Duration connectTimeout, Duration responseTimeout,
                       int connectionsPerBackend, int queueSize, Balance balance, Health health, int retries,
                       Duration idleTimeout, int maxConnections, Tls tls) {
        this(backends, preserveHost, connectTimeout, responseTimeout, connectionsPerBackend, queueSize, balance, health,
                retries, idleTimeout, maxConnections, tls, Timeouts.DEFAULT_READ);
    }

    /**
     * A proxy whose https backends are verified against the JVM's trust store: the constructor before {@code tls}
     * was added.
     *
     * @param backends              at least one
     * @param preserveHost          whether the client's Host goes to the backend
     * @param connectTimeout        more than 0
     * @param responseTimeout       more than 0
     * @param connectionsPerBackend 1 or more
     * @param queueSize             0 or more
     * @param balance               not null
     * @param health                not null
     * @param retries               0 to 100
     * @param idleTimeout           more than 0
     * @param maxConnections        0 (no cap) or more
     * @throws IllegalArgumentException naming the {@code proxy} key of a value outside its range
     * @throws NullPointerException     naming the key of a missing value
     */
    public ProxyConfig(List<URI> backends, boolean preserveHost, Duration connectTimeout, Duration responseTimeout,
                       int connectionsPerBackend, int queueSize, Balance balance, Health health, int retries,
                       Duration idleTimeout, int maxConnections) {
        this(backends, preserveHost, connectTimeout, responseTimeout, connectionsPerBackend, queueSize, balance, health,
                retries, idleTimeout, maxConnections, Tls.DEFAULTS);
    }

    /**
     * A builder of a proxy on its own, with the keys, defaults and validation of a YAML {@code proxy}, for use by
     * {@code vhost(v -> v.proxy(proxy))} or a route's {@code proxy(proxy)}.
     *
     * @return a new builder
     */
    public static ProxyConfigBuilder builder() {
        return new ProxyConfigBuilder();
    }

    /**
     * {@code proxy.retries} when not given: every other backend once, like nginx's {@code proxy_next_upstream_tries 0}.
     *
     * @param backends how many backends the proxy has
     * @return one less, or 0
     */
    public static int defaultRetries(int backends) {
        return Math.max(0, backends - 1);
    }

    @Override
    public String kind() {
        return "proxy";
    }

    /**
     * What decides whether two proxy actions may share one proxy, and with it one connection pool and one health
     * state per backend: vhosts and routes whose keys are equal share. That is every setting, the health settings
     * included, since they decide when a backend is marked out of rotation; two proxies that differ in any of them
     * must not share. A setting added to this record is added here too ({@code ProxyPoolKeyTest} checks each).
     *
     * @return a key equal to another proxy's exactly when the two may share
     */
    public PoolKey poolKey() {
        Optional<Check> check = health.check();
        return new PoolKey(Arrays.asList(backends, preserveHost, connectTimeout, responseTimeout, connectionsPerBackend,
                queueSize, balance, health.failures(), health.coolOff(), check.map(Check::path).orElse(null),
                check.map(Check::interval).orElse(null), check.map(Check::expect).orElse(null), retries, idleTimeout,
                maxConnections, tls, readTimeout));
    }

    /**
     * {@link #poolKey()}: a class comparing a list rather than a record, because a record's generated {@code equals}
     * and {@code hashCode} link method handles on their first call, tens of milliseconds of the gateway's start,
     * which builds this map.
     */
    public static final class PoolKey {
        private final List<Object> settings;

        private PoolKey(List<Object> settings) {
            this.settings = settings;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PoolKey that && settings.equals(that.settings);
        }

        @Override
        public int hashCode() {
            return settings.hashCode();
        }

        @Override
        public String toString() {
            return "PoolKey" + settings;
        }
    }

    /** {@code proxy.balance}. */
    public enum Balance {
        /** Each backend in turn. */
        ROUND_ROBIN,
        /** The backend with the fewest requests in flight through this proxy. */
        LEAST_REQUESTS,
        /** A hash of the client's IP address, so a client keeps its backend while that backend is up. */
        IP_HASH;

        /** @return the YAML spelling: {@code round-robin}, {@code least-requests}, {@code ip-hash} */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The choice YAML spells {@code value}.
         *
         * @param value {@code round-robin}, {@code least-requests} or {@code ip-hash}
         * @return the choice
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Balance parse(String value) {
            for (Balance balance : values()) {
                if (balance.yamlName().equals(value)) {
                    return balance;
                }
            }
            throw new IllegalArgumentException("expected round-robin, least-requests or ip-hash, got '" + value + "'");
        }
    }

    /**
     * {@code proxy.health}.
     *
     * @param failures consecutive refused or reset connections that take a backend out (nginx {@code max_fails})
     * @param coolOff  how long it stays out before it is tried again (nginx {@code fail_timeout})
     * @param check    the active check, when {@code health.path} is set
     */
    public record Health(int failures, Duration coolOff, Optional<Check> check) {

        /**
         * Checks the values.
         *
         * @param failures 1 to 1000
         * @param coolOff  more than 0
         * @param check    the active check, or empty
         * @throws IllegalArgumentException when {@code failures} is outside 1 to 1000 or {@code coolOff} not more than 0
         * @throws NullPointerException     naming the key of a missing value
         */
        public Health {
            RecordChecks.between(Keys.HEALTH_FAILURES, failures, 1, 1000);
            RecordChecks.positive(Keys.HEALTH_COOL_OFF, coolOff);
            RecordChecks.present(Keys.HEALTH_PATH, check);
        }

        /** {@code health.failures} when not given. */
        public static final int DEFAULT_FAILURES = 3;
        /** {@code health.coolOff} when not given. */
        public static final Duration DEFAULT_COOL_OFF = Keys.HEALTH_COOL_OFF.defaultValue();
        /** Passive health only, when {@code health} is not given. */
        public static final Health DEFAULTS = new Health(DEFAULT_FAILURES, DEFAULT_COOL_OFF, Optional.empty());
    }

    /**
     * An active health check: {@code GET path} to every backend each {@code interval}; any answer other than
     * {@code expect} (or none within the interval) takes the backend out until a check succeeds again.
     *
     * @param path     {@code health.path}, the path requested
     * @param interval {@code health.interval}, the time between checks
     * @param expect   {@code health.expect}, the status a healthy backend answers
     */
    public record Check(String path, Duration interval, int expect) {

        /**
         * Checks the values.
         *
         * @param path     starts with {@code /}
         * @param interval more than 0
         * @param expect   100 to 599
         * @throws IllegalArgumentException when {@code path} does not start with {@code /}, {@code interval} is not
         *                                  more than 0 or {@code expect} is not an HTTP status (100 to 599)
         * @throws NullPointerException     naming the key of a missing value
         */
        public Check {
            if (!RecordChecks.present(Keys.HEALTH_PATH, path).startsWith("/")) {
                throw new IllegalArgumentException(Keys.HEALTH_PATH.path() + ": expected a path like /healthz, got '" + path + "'");
            }
            RecordChecks.positive(Keys.HEALTH_INTERVAL, interval);
            RecordChecks.between(Keys.HEALTH_EXPECT, expect, 100, 599);
        }

        /** {@code health.interval} when not given. */
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
        /** {@code health.expect} when not given. */
        public static final int DEFAULT_EXPECT = 200;
    }

    /**
     * {@code proxy.tls}: how the certificates of the proxy's {@code https} backends are checked. By default each
     * backend's chain must lead to a CA of the JVM's trust store and name the backend's host (nginx
     * {@code proxy_ssl_verify on}); the host also goes as SNI.
     *
     * @param ca                 a PEM file of the CAs trusted instead of the JVM's (nginx
     *                           {@code proxy_ssl_trusted_certificate}), or empty
     * @param insecureSkipVerify true: any certificate is accepted, for any name (nginx {@code proxy_ssl_verify off});
     *                           {@code gatehouse check} and the daemon warn about it
     */
    public record Tls(Optional<Path> ca, boolean insecureSkipVerify) {

        /** Verification against the JVM's trust store, when {@code tls} is not given. */
        public static final Tls DEFAULTS = new Tls(Optional.empty(), false);

        /**
         * Checks the values.
         *
         * @param ca                 a file, or empty
         * @param insecureSkipVerify must be false when {@code ca} is given
         * @throws IllegalArgumentException when both a {@code ca} and {@code insecureSkipVerify} are given
         * @throws NullPointerException     when {@code ca} is null
         */
        public Tls {
            if (RecordChecks.present(Keys.BACKEND_TLS_CA, ca).isPresent() && insecureSkipVerify) {
                throw new IllegalArgumentException(Keys.BACKEND_TLS_INSECURE_SKIP_VERIFY.path() + ": " + BOTH_GIVEN);
            }
        }

        /** Why {@code ca} and {@code insecureSkipVerify} are not given together. */
        static final String BOTH_GIVEN = "a ca is only used to verify; give either ca or insecureSkipVerify: true, not both";
    }
}
