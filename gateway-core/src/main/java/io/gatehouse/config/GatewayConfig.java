package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration of a gateway: immutable, and the same whether it came from YAML ({@link #load(Path)}) or
 * from {@link #builder()}.
 *
 * <p>Validation: each record checks its own values when constructed (an {@link IllegalArgumentException} naming the
 * YAML key, like {@code proxy.connections: must be 1 or more, got 0}), and this constructor checks that there is
 * a listener and a vhost. The rules across records are checked by {@link #load(Path)} and {@link #builder()} only,
 * which report every problem with its key path (and, from YAML, file, line and column): a host pattern claimed by
 * two vhosts on one listener, an admin listener sharing a public one, a route template using a group its
 * {@code match} lacks. A configuration built from the records directly is not checked against those.
 *
 * <p>{@code pidFile} and {@code watch} are read by the {@code gatehouse} daemon only (where to write its process
 * id; whether to reload when the file changes); an embedded {@code Gateway} ignores them.
 */
public record GatewayConfig(
        List<ListenAddress> listen,
        ForwardedConfig forwarded,
        Timeouts timeouts,
        Limits limits,
        AccessLogConfig accessLog,
        ShutdownConfig shutdown,
        List<VirtualHost> vhosts,
        Optional<Path> source,
        AdminConfig admin,
        Optional<Path> pidFile,
        boolean watch,
        LogConfig log) {

    public static final List<ListenAddress> DEFAULT_LISTEN = List.of(new ListenAddress("0.0.0.0", 80));

    /** @throws IllegalArgumentException when {@code listen} or {@code vhosts} is empty; NullPointerException for a missing component */
    public GatewayConfig {
        listen = List.copyOf(RecordChecks.notEmpty(Keys.LISTEN, listen));
        RecordChecks.present(Keys.TOP_FORWARDED, forwarded);
        RecordChecks.present(Keys.TOP_TIMEOUTS, timeouts);
        RecordChecks.present(Keys.TOP_LIMITS, limits);
        RecordChecks.present(Keys.TOP_ACCESS_LOG, accessLog);
        RecordChecks.present(Keys.TOP_SHUTDOWN, shutdown);
        vhosts = List.copyOf(RecordChecks.notEmpty(Keys.VHOSTS, vhosts));
        Objects.requireNonNull(source, "source");
        RecordChecks.present(Keys.TOP_ADMIN, admin);
        RecordChecks.present(Keys.PID_FILE, pidFile);
        RecordChecks.present(Keys.TOP_LOG, log);
    }

    /**
     * Reads and validates a YAML file.
     *
     * @throws ConfigException with every problem of the file, each with line, column and key path
     */
    public static GatewayConfig load(Path file) {
        return ConfigLoader.load(file);
    }

    /** A fluent builder that applies the same defaults and validation as the YAML loader. */
    public static GatewayConfigBuilder builder() {
        return new GatewayConfigBuilder();
    }

    /** The listeners of {@code vhost}: its own, or the gateway's default ones. */
    public List<ListenAddress> listenersOf(VirtualHost vhost) {
        return vhost.listen().isEmpty() ? listen : vhost.listen();
    }

    /**
     * What is valid but probably wrong, for {@code gatehouse check} and the startup log: today, routes that an
     * earlier route of their vhost always shadows. Each warning names the route's file, line and key path.
     */
    public List<ConfigProblem> warnings() {
        return RouteShadowing.warnings(this);
    }

    /** Every distinct listener some vhost is bound to, in config order. */
    public Set<ListenAddress> allListeners() {
        Set<ListenAddress> all = new LinkedHashSet<>();
        for (VirtualHost vhost : vhosts) {
            all.addAll(listenersOf(vhost));
        }
        return all;
    }
}
