package io.gatehouse.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The {@code gatehouse.backend.up} gauges: 1 while a backend takes requests, 0 while health checks have taken it
 * out. One gauge per backend URI lives as long as the gateway; it reads whichever proxy most recently
 * {@linkplain #track tracked} that backend, so a reload hands the series over to the new configuration's proxy
 * without a gap or a stale value, and a backend no configuration has any more reads NaN.
 */
public final class BackendGauges {

    private final MeterRegistry registry;
    private final ConcurrentMap<URI, AtomicReference<BooleanSupplier>> sources = new ConcurrentHashMap<>();

    public BackendGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Makes {@code up} the source of {@code backend}'s gauge, registering the gauge the first time.
     *
     * @return a handle that gives the gauge up again, unless a newer proxy has taken it over since
     */
    public AutoCloseable track(URI backend, BooleanSupplier up) {
        AtomicReference<BooleanSupplier> source = sources.computeIfAbsent(backend, uri -> {
            AtomicReference<BooleanSupplier> fresh = new AtomicReference<>();
            Gauge.builder(GatewayMeters.BACKEND_UP, fresh, BackendGauges::read)
                    .description("1 while the backend takes requests, 0 while it is taken out by health checks")
                    .tag("backend", uri.toString())
                    .strongReference(true)
                    .register(registry);
            return fresh;
        });
        source.set(up);
        return () -> source.compareAndSet(up, null);
    }

    private static double read(AtomicReference<BooleanSupplier> source) {
        BooleanSupplier up = source.get();
        if (up == null) {
            return Double.NaN;
        }
        return up.getAsBoolean() ? 1 : 0;
    }
}
