package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * The per-backend gauges: {@code gatehouse.backend.up}, 1 while a backend is in rotation and 0 while it is marked
 * out; {@code gatehouse.backend.marked.out}, how many seconds it has been marked out, once per {@link Reason}
 * (0 while it is not marked out for that reason); {@code gatehouse.backend.connections}, its connections serving a
 * request ({@code state=active}, opening ones included) and kept idle ({@code state=idle}); and
 * {@code gatehouse.backend.queued}, the requests waiting in the gateway for a connection to it. One set per backend
 * URI lives as long as the gateway. Health reads whichever proxy most recently {@linkplain #track tracked} that
 * backend, so a reload hands the series over to the new configuration's proxy without a gap or a stale value, and a
 * backend no configuration has any more reads NaN. Connections and queue are summed over every proxy tracking the
 * backend (two vhosts' proxies to one backend, a reload's draining tree beside the new one), as they are all open
 * against it; a proxy whose tracker let go of it (its configuration released, some of its requests or WebSocket
 * tunnels still running past the drain) counts until it has nothing open or waiting any more; 0 once none is left.
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

        /**
         * Connections to the backend opening or serving a request; read from the scraping thread.
         *
         * @return a count as of a moment
         */
        int activeConnections();

        /**
         * Connections to the backend kept idle for the next request; read from the scraping thread.
         *
         * @return a count as of a moment
         */
        int idleConnections();

        /**
         * Requests waiting in the gateway for a connection to the backend (its {@code maxConnections} all busy);
         * read from the scraping thread.
         *
         * @return a count as of a moment
         */
        int queued();
    }

    /** The sources of one backend's gauges: the latest for its health, all of them for its connections. */
    private static final class Sources {
        final AtomicReference<Source> latest = new AtomicReference<>();
        /** Every source whose connections count, mapped to whether its tracker has let go of it. */
        final Map<Source, Boolean> all = new ConcurrentHashMap<>();

        double health(ToDoubleFunction<Source> value) {
            Source now = latest.get();
            return now == null ? Double.NaN : value.applyAsDouble(now);
        }

        double sum(ToIntFunction<Source> count) {
            int sum = 0;
            for (Source source : all.keySet()) {
                sum += count.applyAsInt(source);
            }
            forgetEmptyReleased();
            return sum;
        }

        /** Drops the sources let go of that have nothing open or waiting any more: they never will again. */
        void forgetEmptyReleased() {
            all.entrySet().removeIf(source -> source.getValue() && source.getKey().activeConnections() == 0
                    && source.getKey().idleConnections() == 0 && source.getKey().queued() == 0);
        }
    }

    private final MeterRegistry registry;
    private final ConcurrentMap<URI, Sources> sources = new ConcurrentHashMap<>();

    /**
     * Public for the handler tree in {@code io.gatehouse}, which keeps one for the life of a gateway.
     *
     * @param registry where the gauges are registered
     */
    public BackendGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Makes {@code source} the source of {@code backend}'s health gauges and adds its connections and queue to the
     * backend's, registering the gauges the first time.
     *
     * @param backend the backend's URI, the {@code backend} tag
     * @param source  what the gauges read from now on
     * @return a handle that lets go of the source: its health at once unless a newer proxy has taken the health
     *         gauges over since, its connections once none is open or waiting
     */
    public AutoCloseable track(URI backend, Source source) {
        Sources current = sources.computeIfAbsent(backend, this::register);
        current.forgetEmptyReleased();
        current.all.put(source, false);
        current.latest.set(source);
        return () -> {
            current.all.replace(source, false, true);
            current.latest.compareAndSet(source, null);
        };
    }

    private Sources register(URI backend) {
        Sources fresh = new Sources();
        gauge(GatewayMeters.BACKEND_UP, "1 while the backend is in rotation, 0 while it is marked out", backend,
                fresh, s -> s.health(source -> source.up() ? 1 : 0)).register(registry);
        for (Reason reason : Reason.values()) {
            gauge(GatewayMeters.BACKEND_MARKED_OUT, "How long the backend has been marked out for this reason, 0 while it is not",
                    backend, fresh, s -> s.health(source -> source.secondsMarkedOut(reason)))
                    .tag("reason", reason.tag()).baseUnit("seconds").register(registry);
        }
        // One description for both states: a registry such as Prometheus shows one per meter name.
        String connections = "Connections to the backend: active (serving a request, or opening) or idle (kept for the next)";
        gauge(GatewayMeters.BACKEND_CONNECTIONS, connections, backend, fresh, s -> s.sum(Source::activeConnections))
                .tag("state", "active").baseUnit("connections").register(registry);
        gauge(GatewayMeters.BACKEND_CONNECTIONS, connections, backend, fresh, s -> s.sum(Source::idleConnections))
                .tag("state", "idle").baseUnit("connections").register(registry);
        gauge(GatewayMeters.BACKEND_QUEUED, "Requests waiting in the gateway for a connection to the backend",
                backend, fresh, s -> s.sum(Source::queued)).baseUnit("requests").register(registry);
        return fresh;
    }

    private static Gauge.Builder<Sources> gauge(String name, String description, URI backend, Sources sources,
                                                ToDoubleFunction<Sources> value) {
        return Gauge.builder(name, sources, value)
                .description(description)
                .tag("backend", backend.toString())
                .strongReference(true);
    }
}
