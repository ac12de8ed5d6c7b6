package io.gatehouse;

import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway running on the application's worker owns the buffers it uses on the application's IO threads, and
 * releases them when it stops: the threads are the application's, and outlive the gateway.
 */
@Timeout(60)
class ApplicationWorkerBuffersTest {

    private static final String GET_AND_CLOSE = "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n";

    @Test
    void stoppedGatewayLeavesNoDirectBufferOnTheApplicationsIoThreads() throws Exception {
        XnioWorker app = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_NAME, "app").set(Options.WORKER_IO_THREADS, 2).getMap());
        try {
            long before = directBuffersAfterCollection(Long.MAX_VALUE);
            Gateway gateway = Gateway.start(gateway(echo("a", "*")), GatewayOptions.builder().worker(app).build());
            // From a thread of its own, that ends: the JDK caches a socket's temporary buffers per thread.
            servedFromAnEndingThread(gateway.addresses().get(0), 16);
            assertTrue(directBuffers() > before, "serving used direct buffers: the test can see them");

            assertTrue(gateway.stop(Duration.ofSeconds(5)));

            // Each IO thread that served used to keep its read buffer and the pool's cached buffers (8 here). A
            // thread an earlier test left running may still take a temporary buffer of the JDK's meanwhile: one.
            long after = directBuffersAfterCollection(before + 1);
            assertTrue(after <= before + 1, after + " direct buffers after the gateway stopped, " + before + " before it started");
        } finally {
            app.shutdownNow();
        }
    }

    private static void servedFromAnEndingThread(InetSocketAddress address, int requests) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread client = new Thread(() -> {
            try {
                for (int i = 0; i < requests; i++) {
                    assertEquals(200, RawHttp.exchange(address, GET_AND_CLOSE).status());
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "client");
        client.start();
        client.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    /**
     * Collects garbage until no more than {@code target} direct buffers are left (the JDK frees one after a
     * collection found it unreachable), or for ten seconds; the count then.
     */
    private static long directBuffersAfterCollection(long target) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long count;
        do {
            System.gc();
            Thread.sleep(50);
            count = directBuffers();
        } while (count > target && System.nanoTime() - deadline < 0);
        return target == Long.MAX_VALUE ? stable(count) : count;
    }

    /** Settles the starting count: the collections that free what earlier tests left. */
    private static long stable(long count) throws InterruptedException {
        long previous;
        do {
            previous = count;
            System.gc();
            Thread.sleep(100);
            count = directBuffers();
        } while (count != previous);
        return count;
    }

    private static long directBuffers() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getCount)
                .sum();
    }
}
