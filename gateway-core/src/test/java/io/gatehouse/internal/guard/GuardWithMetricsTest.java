package io.gatehouse.internal.guard;

import io.gatehouse.GatewayMeters;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard holds when the gateway records metrics. (Undertow's connector statistics, once used for the connections
 * gauge, stacked a conduit over the framing conduit and hid it from the guard: refused heads were then proxied.)
 */
@Timeout(60)
class GuardWithMetricsTest {

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";

    private RawBackend backend;
    private GuardedGateway gateway;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void start() throws IOException {
        backend = RawBackend.answering(RawBackend.OK);
        registry = new SimpleMeterRegistry();
        gateway = GuardedGateway.serving(GuardedGateway.proxy(backend.port()), GuardedGateway.LIMITS,
                GuardedGateway.TIMEOUTS, registry);
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        backend.close();
    }

    @Test
    void refusedHeadIsAnsweredAndNeverProxied() throws Exception {
        RawHttp.Response response = gateway.send("GET / HTTP/1.1\nHost: a\r\n\r\n" + SMUGGLED);

        assertEquals(400, response.status(), response.head());
        assertTrue(response.closed(), "connection left open");
        // Recorded as the exchange ends, which may be just after the client saw the close; the class timeout bounds it.
        while (registry.find(GatewayMeters.REQUESTS).tag("status", "4xx").timer() == null) {
            Thread.sleep(10);
        }
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the refused request reached the backend");
        assertTrue(backend.receivedNothing(), "a backend connection was opened for the refused head");
    }

    @Test
    void refusedChunkedBodyIsAnsweredAndNeverCompleted() throws Exception {
        RawHttp.Response response = gateway.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0_2e\r\n\r\n" + SMUGGLED);

        assertEquals(400, response.status(), response.head());
        assertTrue(response.closed(), "connection left open");
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the backend received a request");
    }
}
