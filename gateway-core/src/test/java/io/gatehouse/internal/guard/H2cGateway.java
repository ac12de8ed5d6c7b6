package io.gatehouse.internal.guard;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.Action;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.Timeouts;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp2;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** The real gateway on an {@code h2c} loopback listener, one vhost for every host. */
final class H2cGateway implements AutoCloseable {

    private static final ListenAddress LISTEN = new ListenAddress("127.0.0.1", 0, false, true);

    private final Gateway gateway;
    /** The backend this gateway proxies to and closes with itself, or null. */
    private final RawBackend backend;

    private H2cGateway(Gateway gateway, RawBackend backend) {
        this.gateway = gateway;
        this.backend = backend;
    }

    /**
     * Proxying to a new recording backend answering 200 (see {@link #backend()}), with {@link GuardedGateway}'s
     * limits and timeouts; {@link #close()} closes both. Unchecked, so a test's field can be one (JUnit makes a
     * test instance per test).
     */
    static H2cGateway withBackend() {
        RawBackend backend;
        try {
            backend = RawBackend.answering(RawBackend.OK);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new H2cGateway(start(GuardedGateway.proxy(backend.port()), GuardedGateway.LIMITS,
                GuardedGateway.TIMEOUTS, null), backend);
    }

    static H2cGateway serving(Action action, Limits limits, Timeouts timeouts) {
        return new H2cGateway(start(action, limits, timeouts, null), null);
    }

    /** Like {@link #serving(Action, Limits, Timeouts)}, recording the gateway's meters in {@code registry}. */
    static H2cGateway serving(Action action, Limits limits, Timeouts timeouts, MeterRegistry registry) {
        return new H2cGateway(start(action, limits, timeouts, registry), null);
    }

    private static Gateway start(Action action, Limits limits, Timeouts timeouts, MeterRegistry registry) {
        GatewayConfig config = config(LISTEN, action, limits, timeouts);
        return registry == null ? Gateway.start(config) : Gateway.start(config, registry);
    }

    private static GatewayConfig config(ListenAddress listen, Action action, Limits limits, Timeouts timeouts) {
        return Configs.gateway(List.of(listen), ForwardedConfig.DEFAULTS, timeouts, limits, AccessLogConfig.OFF_CONFIG,
                Configs.vhost("site", List.of("*"), List.of(), action));
    }

    /** Reloads the same listener (as configured: port 0) with {@code action}, {@code limits} and {@code timeouts}. */
    void reload(Action action, Limits limits, Timeouts timeouts) {
        gateway.reload(config(LISTEN, action, limits, timeouts));
    }

    /** The backend of {@link #withBackend()}. */
    RawBackend backend() {
        return backend;
    }

    InetSocketAddress address() {
        return gateway.addresses().get(0);
    }

    /** A new HTTP/2 connection with prior knowledge: preface and SETTINGS sent. */
    RawHttp2 connect() throws IOException {
        return RawHttp2.connect(address());
    }

    /** Stops the gateway, which ends every backend connection, and leaves the backend running. */
    void stopGateway() {
        gateway.stop(Duration.ofSeconds(1));
    }

    @Override
    public void close() throws IOException {
        stopGateway();
        if (backend != null) {
            backend.close();
        }
    }
}
