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
import io.gatehouse.testing.RawHttp2;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** The real gateway on an {@code h2c} loopback listener, one vhost for every host. */
final class H2cGateway implements AutoCloseable {

    private final Gateway gateway;

    private H2cGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Proxying to a backend on {@code backendPort}, with {@link GuardedGateway}'s limits and timeouts. */
    static H2cGateway proxyingTo(int backendPort) {
        return serving(GuardedGateway.proxy(backendPort), GuardedGateway.LIMITS, GuardedGateway.TIMEOUTS);
    }

    static H2cGateway serving(Action action, Limits limits, Timeouts timeouts) {
        GatewayConfig config = Configs.gateway(List.of(new ListenAddress("127.0.0.1", 0, false, true)),
                ForwardedConfig.DEFAULTS, timeouts, limits, AccessLogConfig.OFF_CONFIG,
                Configs.vhost("site", List.of("*"), List.of(), action));
        return new H2cGateway(Gateway.start(config));
    }

    InetSocketAddress address() {
        return gateway.addresses().get(0);
    }

    /** A new HTTP/2 connection with prior knowledge: preface and SETTINGS sent. */
    RawHttp2 connect() throws IOException {
        return RawHttp2.connect(address());
    }

    /**
     * Stops this gateway and tells whether {@code backend} received no further request in full, once it has read
     * each of its connections to the end (as {@link GuardedGateway#forwardedNothingMoreOnceStopped}).
     */
    boolean forwardedNothingMoreOnceStopped(io.gatehouse.testing.RawBackend backend) throws InterruptedException {
        close();
        backend.awaitEveryConnectionEnded();
        return backend.completedNoRequest();
    }

    @Override
    public void close() {
        gateway.stop(Duration.ofSeconds(1));
    }
}
