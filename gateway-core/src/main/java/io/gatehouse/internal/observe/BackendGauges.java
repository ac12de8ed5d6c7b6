package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The per-backend gauges: {@code gatehouse.backend.up}, 1 while a backend is in rotation and 0 while it is marked
 * out; and {@code gatehouse.backend.marked.out}, how many seconds it has been marked out, once per {@link Reason}
 * (0 while it is not marked out for that reason). One set per backend URI lives as long as the gateway; it reads
 * whichever proxy most recently {@linkplain #track tracked} that backend, so a reload hands the series over to the
 * new configuration's proxy without a gap or a stale value, and a backend no configuration has any more reads NaN.
 *
 * <p>Thread-safe: the gauges are read on the registry's scraping thread while a reload tracks new sources.
 */
public final class BackendGauges {

    /** Why a backend is marked out: the {@code reason} tag. */
    public enum Reason {
        /** {@code health.failures} failures in a row, for {@code health.coolOff}. */
        FAILURES,
        /** Its active health check fails. */
        CHECK;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the gauges of one backend read; called when the registry is scraped. */
    public interface Source {
        /**
         * Whether the backend is in rotation.
         *
         * @return {@code false} while it is marked out for any reason
         */
        boolean up();

        /**
         * How long it has been marked out for {@code reason}.
         *
         * @param reason one reason
         * @return seconds, or 0 when it is not marked out for that reason
         */
        double secondsMarkedOut(Reason reason);
    }

    private final MeterRegistry registry;
    private final ConcurrentMap<URI, AtomicReference<Source>> sources = new ConcurrentHashMap<>();

    /**
     * Public for the handler tree in {@code io.gatehouse}, which keeps one for the life of a gateway.
     *
     * @param registry where the gauges are registered
     */
    public BackendGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Makes {@code source} the source of {@code backend}'s gauges, registering them the first time.
     *
     * @param backend the backend's URI, the {@code backend} tag
     * @param source  what the gauges read from now on
     * @return a handle that gives the gauges up again, unless a newer proxy has taken them over since
     */
    public AutoCloseable track(URI backend, Source source) {
        AtomicReference<Source> current = sources.computeIfAbsent(backend, uri -> {
            AtomicReference<Source> fresh = new AtomicReference<>();
            register(GatewayMeters.BACKEND_UP, "1 while the backend is in rotation, 0 while it is marked out", uri, null,
                    fresh, s -> s.up() ? 1 : 0);
            for (Reason reason : Reason.values()) {
                register(GatewayMeters.BACKEND_MARKED_OUT, "How long the backend has been marked out for this reason, 0 while it is not",
                        uri, reason, fresh, s -> s.secondsMarkedOut(reason));
            }
            return fresh;
        });
        current.set(source);
        return () -> current.compareAndSet(source, null);
    }

    private void register(String name, String description, URI backend, Reason reason, AtomicReference<Source> source,
                          ToDoubleFunction<Source> value) {
        Gauge.Builder<AtomicReference<Source>> gauge = Gauge.builder(name, source, ref -> {
                    Source now = ref.get();
                    return now == null ? Double.NaN : value.applyAsDouble(now);
                })
                .description(description)
                .tag("backend", backend.toString())
                .strongReference(true);
        if (reason != null) {
            gauge.tag("reason", reason.tag()).baseUnit("seconds");
        }
        gauge.register(registry);
    }
}
