package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A running gateway. TODO(lead): being written in main; the API below is the contract.
 */
public final class Gateway implements AutoCloseable {

    /** Binds every listener of {@code config} and starts serving. @throws ListenerBindException naming the address */
    public static Gateway start(GatewayConfig config) {
        return start(config, null);
    }

    /** Like {@link #start(GatewayConfig)}, recording meters in {@code registry} (null: none). */
    public static Gateway start(GatewayConfig config, MeterRegistry registry) {
        throw new UnsupportedOperationException("TODO(lead)");
    }

    /** The handler to mount in an application's own Undertow server (every vhost, whatever its listeners). */
    public static HttpHandler handler(GatewayConfig config, MeterRegistry registry) {
        throw new UnsupportedOperationException("TODO(lead)");
    }

    /** The addresses actually bound, in config order (port 0 in the config becomes the real port). */
    public List<InetSocketAddress> addresses() {
        throw new UnsupportedOperationException("TODO(lead)");
    }

    /** Stops accepting, lets in-flight requests finish until {@code deadline}, then closes the rest. @return true if all finished */
    public boolean stop(Duration deadline) {
        throw new UnsupportedOperationException("TODO(lead)");
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
