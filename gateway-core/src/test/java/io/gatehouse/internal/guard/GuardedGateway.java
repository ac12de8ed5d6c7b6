package io.gatehouse.internal.guard;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.Action;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.Timeouts;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The real gateway on a loopback port, one vhost for every host, with the limits and timeouts a test needs. */
final class GuardedGateway implements AutoCloseable {

    static final Limits LIMITS = new Limits(1024, 2048, 20, 512, Limits.EncodedSlashes.REFUSE);
    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    private final Gateway gateway;

    private GuardedGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    static GuardedGateway proxyingTo(int backendPort) {
        return proxyingTo(backendPort, LIMITS, TIMEOUTS);
    }

    static GuardedGateway proxyingTo(int backendPort, Limits limits, Timeouts timeouts) {
        return serving(proxy(backendPort), limits, timeouts);
    }

    static ProxyConfig proxy(int backendPort) {
        return Configs.proxy(p -> p.backend("http://127.0.0.1:" + backendPort)
                .connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5)).connections(4).queue(16));
    }

    static GuardedGateway serving(Action action, Limits limits, Timeouts timeouts) {
        return serving(action, limits, timeouts, null);
    }

    /** Like {@link #serving(Action, Limits, Timeouts)}, recording the gateway's meters in {@code registry}. */
    static GuardedGateway serving(Action action, Limits limits, Timeouts timeouts, MeterRegistry registry) {
        GatewayConfig config = Configs.gateway(List.of(new ListenAddress("127.0.0.1", 0)), ForwardedConfig.DEFAULTS,
                timeouts, limits, AccessLogConfig.OFF_CONFIG, Configs.vhost("site", List.of("*"), List.of(), action));
        return new GuardedGateway(Gateway.start(config, registry));
    }

    InetSocketAddress address() {
        return gateway.addresses().get(0);
    }

    /** Sends {@code request} as written (CRLFs included) and reads one response. */
    RawHttp.Response send(String request) throws IOException {
        return RawHttp.exchange(address(), request);
    }

    /** A connected socket with {@code request} already written, for tests that read more than one response. */
    Socket open(String request) throws IOException {
        Socket socket = new Socket();
        socket.connect(address(), 5_000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /**
     * Stops this gateway, which closes every backend connection, and tells whether {@code backend} received no
     * further request in full: decided once the backend has read each of its connections to the end, so a request
     * forwarded late still counts.
     */
    boolean forwardedNothingMoreOnceStopped(RawBackend backend) throws InterruptedException {
        close();
        backend.awaitEveryConnectionEnded();
        return backend.completedNoRequest();
    }

    @Override
    public void close() {
        gateway.stop(Duration.ofSeconds(1));
    }
}
