package io.gatehouse.daemon;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GcMetersTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    GcMetersTest() {
        new GcMeters().bindTo(registry);
    }

    @Test
    void aCollectionIsCountedWhenTheMetersAreRead() {
        double before = collections();

        System.gc();

        assertTrue(collections() > before, "jvm.gc.pause count did not grow after System.gc()");
    }

    @Test
    void allocationIsCountedWhenTheMetersAreRead() {
        FunctionCounter allocated = registry.get("jvm.gc.memory.allocated").functionCounter();
        double before = allocated.count();

        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[16 * 1024];
        }

        assertTrue(allocated.count() - before >= garbage.length * garbage[garbage.length - 1].length,
                "less than the 1 MiB just allocated was counted");
    }

    @Test
    void prometheusShowsThemUnderMicrometersNames() {
        String scrape = registry.scrape();

        assertTrue(scrape.contains("jvm_gc_pause_seconds_count{gc=\""), scrape);
        assertTrue(scrape.contains("jvm_gc_pause_seconds_sum{gc=\""), scrape);
        assertTrue(scrape.contains("jvm_gc_memory_allocated_bytes_total "), scrape);
        assertTrue(scrape.contains("jvm_gc_max_data_size_bytes "), scrape);
        assertTrue(scrape.contains("jvm_gc_live_data_size_bytes "), scrape);
    }

    @Test
    void theLongLivedPoolIsFoundForEveryHotSpotCollector() {
        for (String name : new String[] {"Tenured Gen", "PS Old Gen", "G1 Old Gen", "CMS Old Gen", "ZHeap",
                "ZGC Old Generation", "Shenandoah"}) {
            assertTrue(GcMeters.isLongLived(name), name);
        }
        for (String name : new String[] {"Eden Space", "Survivor Space", "G1 Eden Space", "Metaspace",
                "ZGC Young Generation", "CodeHeap 'non-nmethods'"}) {
            assertFalse(GcMeters.isLongLived(name), name);
        }
    }

    @Test
    void theConcurrentCyclesOfConcurrentCollectorsAreNotPauses() {
        for (String name : new String[] {"Copy", "MarkSweepCompact", "G1 Young Generation", "G1 Old Generation",
                "PS Scavenge", "PS MarkSweep", "ZGC Pauses", "ZGC Major Pauses", "Shenandoah Pauses"}) {
            assertTrue(GcMeters.pauses(name), name);
        }
        for (String name : new String[] {"G1 Concurrent GC", "ZGC Cycles", "ZGC Major Cycles", "ZGC Minor Cycles",
                "Shenandoah Cycles"}) {
            assertFalse(GcMeters.pauses(name), name);
        }
    }

    private double collections() {
        return registry.get("jvm.gc.pause").functionTimers().stream().mapToDouble(FunctionTimer::count).sum();
    }
}
