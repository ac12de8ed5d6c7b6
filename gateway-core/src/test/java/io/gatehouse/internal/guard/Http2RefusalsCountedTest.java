package io.gatehouse.internal.guard;

import io.gatehouse.GatewayMeters;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.testing.RawHttp2;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.gatehouse.testing.RawHttp2.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An HTTP/2 request refused with a status goes the HTTP/1.1 refusal's way, through the tree's
 * {@code RefusedRequests} behind the metrics, so it is counted like any answered request; and an HTTP/2 request on
 * a guarded listener never meets the guard's fail-closed 500 (it once did: the guard looked for the HTTP/1.1
 * framing conduit only).
 */
@Timeout(60)
class Http2RefusalsCountedTest {

    @Test
    void aRefusedHttp2RequestIsCountedAsA4xxAndAServedOneAsA2xx() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Http2Gateway gateway = Http2Gateway.serving(new EchoConfig(), GuardedGateway.LIMITS, GuardedGateway.TIMEOUTS,
                registry); RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, get("a", "/", "host", "b"));
            assertEquals(400, h2.await(1).status());
            h2.headers(3, true, get("a", "/"));
            assertEquals(200, h2.await(3).status());
            // Recorded as each exchange ends, which may be just after the client saw its last frame; the class
            // timeout bounds the wait.
            while (count(registry, "4xx") < 1 || count(registry, "2xx") < 1) {
                Thread.sleep(10);
            }
            assertEquals(0, count(registry, "5xx"));
        }
    }

    private static long count(SimpleMeterRegistry registry, String status) {
        Timer timer = registry.find(GatewayMeters.REQUESTS).tag("status", status).timer();
        return timer == null ? 0 : timer.count();
    }
}
