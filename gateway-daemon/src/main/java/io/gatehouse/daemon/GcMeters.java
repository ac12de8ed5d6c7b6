package io.gatehouse.daemon;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.TimeUnit;

/**
 * The garbage collector's meters, read from the JVM's management beans when they are scraped, under the names of
 * Micrometer's {@code JvmGcMetrics}: {@code jvm.gc.pause} (count and total time, per collector), {@code
 * jvm.gc.memory.allocated}, {@code jvm.gc.live.data.size} and {@code jvm.gc.max.data.size}.
 *
 * <p>Why not {@code JvmGcMetrics}: it listens to the notification the JVM sends after every collection, and the JVM
 * builds that notification (a map of every memory pool before and after, as open-type composite data) only for a
 * listener. A proxy under load runs a young collection every few tens of milliseconds, and building those
 * notifications took about 1.6 % of the daemon's CPU. Polling costs nothing between scrapes. What polling cannot
 * give: the {@code action} and {@code cause} tags of each pause, its maximum, and {@code jvm.gc.memory.promoted}.
 * {@code jvm.gc.live.data.size} reads 0 until the first collection of the old generation.
 */
final class GcMeters implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!pauses(collector.getName())) {
                continue;
            }
            FunctionTimer.builder("jvm.gc.pause", collector, GarbageCollectorMXBean::getCollectionCount,
                            GarbageCollectorMXBean::getCollectionTime, TimeUnit.MILLISECONDS)
                    .description("Collections by this collector and the time they took")
                    .tag("gc", collector.getName())
                    .register(registry);
        }
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            FunctionCounter.builder("jvm.gc.memory.allocated", threads,
                            com.sun.management.ThreadMXBean::getTotalThreadAllocatedBytes)
                    .description("Heap memory allocated by all threads since the JVM started")
                    .baseUnit(BaseUnits.BYTES)
                    .register(registry);
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && isLongLived(pool.getName())) {
                Gauge.builder("jvm.gc.live.data.size", pool, p -> used(p.getCollectionUsage()))
                        .description("The long-lived pool's use after the last collection of it")
                        .baseUnit(BaseUnits.BYTES)
                        .register(registry);
                Gauge.builder("jvm.gc.max.data.size", pool, p -> max(p.getUsage()))
                        .description("The long-lived pool's maximum size")
                        .baseUnit(BaseUnits.BYTES)
                        .register(registry);
            }
        }
    }

    /**
     * Whether a collector bean counts pauses: the concurrent collectors also have beans for their concurrent cycles
     * ({@code G1 Concurrent GC}, {@code ZGC Cycles}, {@code Shenandoah Cycles}), whose time is not a pause.
     */
    static boolean pauses(String collectorName) {
        return !collectorName.endsWith("Cycles") && !collectorName.equals("G1 Concurrent GC");
    }

    /** The pool that holds what survives young collections, in each of HotSpot's collectors. */
    static boolean isLongLived(String poolName) {
        return poolName.endsWith("Old Gen") || poolName.equals("Tenured Gen") || poolName.equals("ZHeap")
                || poolName.equals("ZGC Old Generation") || poolName.equals("Shenandoah");
    }

    private static double used(MemoryUsage usage) {
        return usage == null ? Double.NaN : usage.getUsed();
    }

    private static double max(MemoryUsage usage) {
        return usage == null || usage.getMax() < 0 ? Double.NaN : usage.getMax();
    }
}
