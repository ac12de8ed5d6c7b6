package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse.backend.marked.out}: how long each backend has been marked out, and why. */
class BackendMarkedOutGaugeTest {

    private static double markedOut(SimpleMeterRegistry registry, int port, String reason) {
        return registry.get(GatewayMeters.BACKEND_MARKED_OUT).tag("backend", "http://127.0.0.1:" + port)
                .tag("reason", reason).gauge().value();
    }

    @Test
    void aBackendMarkedOutByFailuresReadsTheSecondsSinceUnderItsReasonAndZeroElsewhere() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RawBackend live = RawBackend.answering(RawBackend.OK); RefusedPort refusing = RefusedPort.open()) {
            GatewayConfig config = GatewayConfig.builder()
                    .listen("127.0.0.1:0")
                    .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + live.port())
                            .backend("http://127.0.0.1:" + refusing.port())
                            .passiveHealth(h -> h.failures(1).coolOff(Duration.ofMinutes(10)))))
                    .build();
            Gateway gateway = Gateway.start(config, registry);
            try {
                assertEquals(0.0, markedOut(registry, refusing.port(), "failures"));
                // Round robin tries both; the refused one is retried on the live one and marked out.
                for (int i = 0; i < 2; i++) {
                    assertEquals(200, RawHttp.exchange(gateway.addresses().get(0),
                            "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").status());
                }
                double first = markedOut(registry, refusing.port(), "failures");
                assertTrue(first > 0, "marked out for " + first + " s");
                long start = System.nanoTime();
                while (System.nanoTime() - start < Duration.ofMillis(20).toNanos()) {
                    Thread.onSpinWait();
                }
                assertTrue(markedOut(registry, refusing.port(), "failures") > first, "the gauge grows while it is out");
                assertEquals(0.0, markedOut(registry, refusing.port(), "check"));
                assertEquals(0.0, markedOut(registry, live.port(), "failures"));
                assertEquals(0.0, markedOut(registry, live.port(), "check"));
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }
}
