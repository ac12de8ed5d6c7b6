package io.gatehouse.observe;

import io.gatehouse.Gateway;
import io.gatehouse.testing.RawHttp;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RequestMetricsTest {

    @Test
    void requestsAreTimedPerVhostStatusClassAndOutcome() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Gateway gateway = Gateway.start(gateway(echo("site-a", "a.test"), echo("site-b", "b.test")), registry)) {
            InetSocketAddress address = gateway.addresses().get(0);
            get(address, "a.test");
            get(address, "a.test");
            get(address, "b.test");
            get(address, "nobody.test");
        }

        assertEquals(2, timer(registry, "site-a", "2xx").count());
        assertEquals("SUCCESS", timer(registry, "site-a", "2xx").getId().getTag("outcome"));
        assertEquals(1, timer(registry, "site-b", "2xx").count());
        assertEquals(1, timer(registry, "-", "4xx").count());
        assertEquals("CLIENT_ERROR", timer(registry, "-", "4xx").getId().getTag("outcome"));
        assertNull(registry.find(RequestMetrics.REQUESTS).tag("vhost", "site-b").tag("status", "4xx").timer());
    }

    private static Timer timer(SimpleMeterRegistry registry, String vhost, String status) {
        return registry.get(RequestMetrics.REQUESTS).tag("vhost", vhost).tag("status", status).timer();
    }

    private static void get(InetSocketAddress address, String host) throws IOException {
        RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }
}
