package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.gatehouse.Gateway;
import io.gatehouse.ListenerBindException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendGaugesTest {

    private static GatewayConfig config(String... backends) throws Exception {
        return GatewayConfig.builder()
                .listen("127.0.0.1:0")
                .vhost(v -> v.hosts("app.test").proxy(p -> {
                    for (String backend : backends) {
                        p.backend(backend);
                    }
                    p.passiveHealth(h -> h.failures(1).coolOff(Duration.ofMinutes(10)));
                }))
                .build();
    }

    private static double up(SimpleMeterRegistry registry, int port) {
        return registry.get(GatewayMeters.BACKEND_UP).tag("backend", "http://127.0.0.1:" + port).gauge().value();
    }

    @Test
    void backendTakenOutByHealthChecksReadsZeroAndOneNoLongerConfiguredReadsNothing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RawBackend live = RawBackend.answering(RawBackend.OK); RefusedPort refusing = RefusedPort.open()) {
            int refused = refusing.port();
            Gateway gateway = Gateway.start(config("http://127.0.0.1:" + live.port(), "http://127.0.0.1:" + refused), registry);
            try {
                InetSocketAddress address = gateway.addresses().get(0);
                assertEquals(1.0, up(registry, live.port()));
                assertEquals(1.0, up(registry, refused));

                // Round robin tries both; the refused one is retried on the live one and taken out.
                for (int i = 0; i < 2; i++) {
                    assertEquals(200, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").status());
                }
                assertEquals(1.0, up(registry, live.port()));
                assertEquals(0.0, up(registry, refused));

                gateway.reload(config("http://127.0.0.1:" + live.port()));
                assertEquals(1.0, up(registry, live.port()), "the new configuration's proxy took the series over");
                // Read once: the old tree lets go of the gauge when it has drained, which may fall between two reads.
                double refusedUp = up(registry, refused);
                assertTrue(Double.isNaN(refusedUp) || refusedUp == 0.0,
                        "a backend no longer configured is no longer reported up, read " + refusedUp);
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void failedReloadLeavesTheGaugesWithTheConfigurationStillServing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RawBackend live = RawBackend.answering(RawBackend.OK);
             ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Gateway gateway = Gateway.start(config("http://127.0.0.1:" + live.port()), registry);
            try {
                GatewayConfig unbindable = GatewayConfig.builder()
                        .listen("127.0.0.1:" + gateway.addresses().get(0).getPort(), "127.0.0.1:" + taken.getLocalPort())
                        .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + live.port())))
                        .build();

                assertThrows(ListenerBindException.class, () -> gateway.reload(unbindable));

                assertEquals(1.0, up(registry, live.port()), "the old configuration still serves this backend");
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }
}
