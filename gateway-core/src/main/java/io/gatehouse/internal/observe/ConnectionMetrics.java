package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code gatehouse.connections.active} gauge of one listener: its open client connections, idle keep-alive ones
 * included, as the listener counts them. Closing the handle removes the gauge, so a listener that was closed (at
 * stop, or dropped by a reload) leaves no stale series behind.
 */
public final class ConnectionMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final Gauge gauge;

    private ConnectionMetrics(MeterRegistry registry, Gauge gauge) {
        this.registry = registry;
        this.gauge = gauge;
    }

    /**
     * Registers the gauge of the listener bound at {@code listener} ({@code host:port}, its {@code listener} tag).
     * The gauge holds {@code open} weakly; the listener keeps it alive. A gauge an earlier listener on the same
     * address still holds is taken over: removed, and registered again on {@code open}.
     *
     * @param registry where the gauge is registered
     * @param listener the {@code listener} tag
     * @param open     the listener's count of open connections
     * @return the handle that removes the gauge
     */
    public static ConnectionMetrics register(MeterRegistry registry, String listener, AtomicInteger open) {
        // A listener a reload re-adds while its predecessor still drains takes the series over: Micrometer would
        // otherwise hand back the old gauge, reading the old listener and removed with it.
        Gauge previous = registry.find(GatewayMeters.CONNECTIONS_ACTIVE).tag("listener", listener).gauge();
        if (previous != null) {
            registry.remove(previous);
        }
        Gauge gauge = Gauge.builder(GatewayMeters.CONNECTIONS_ACTIVE, open, AtomicInteger::get)
                .description("Open client connections, idle keep-alive connections included")
                .baseUnit("connections")
                .tag("listener", listener)
                .register(registry);
        return new ConnectionMetrics(registry, gauge);
    }

    /** Removes the gauge, unless a newer listener on the same address has taken the series over. */
    @Override
    public void close() {
        if (registry.find(GatewayMeters.CONNECTIONS_ACTIVE).tags(gauge.getId().getTags()).gauge() == gauge) {
            registry.remove(gauge);
        }
    }
}
