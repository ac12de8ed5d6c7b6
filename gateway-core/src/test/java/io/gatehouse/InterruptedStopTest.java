package io.gatehouse;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An interrupt ends a stop's wait for requests in flight, never the closing itself: the access log is written out
 * and its writer thread ends, and the caller's interrupt is still set when {@code stop} returns.
 */
@Timeout(30)
class InterruptedStopTest {

    @TempDir
    Path dir;

    @Test
    void anInterruptedStopStillWritesOutAndEndsTheAccessLog() throws Exception {
        Path log = dir.resolve("access.log");
        Set<Thread> before = accessLogWriters();
        Gateway gateway = Gateway.start(GatewayConfig.builder()
                .listen("127.0.0.1:0")
                .accessLog(a -> a.path(log.toString()).format(AccessLogConfig.Format.COMMON))
                .vhost(v -> v.hosts("*").echo())
                .build());
        Set<Thread> writers = accessLogWriters();
        writers.removeAll(before);
        assertEquals(1, writers.size(), "the gateway's access-log writer");
        assertEquals(200, RawHttp.exchange(gateway.addresses().get(0),
                "GET /logged HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n").status());

        boolean stillInterrupted = CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().interrupt();
            gateway.stop(Duration.ofSeconds(5));
            return Thread.interrupted();
        }).get();

        assertTrue(stillInterrupted, "the caller's interrupt stays set");
        Thread writer = writers.iterator().next();
        writer.join();
        assertFalse(writer.isAlive());
        assertTrue(Files.readString(log).contains("\"GET /logged HTTP/1.1\" 200"), Files.readString(log));
    }

    private static Set<Thread> accessLogWriters() {
        Set<Thread> writers = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().endsWith("access-log")) {
                writers.add(thread);
            }
        }
        return writers;
    }
}
