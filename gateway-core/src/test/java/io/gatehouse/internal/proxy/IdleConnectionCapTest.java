package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.gatehouse.testing.Latches.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code connections} caps the idle connections a pool keeps, as nginx's upstream {@code keepalive} does: a peak
 * opens as many as it needs, and once it is over the pool keeps {@code connections} of them for the next requests
 * and closes the rest.
 */
@Timeout(60)
class IdleConnectionCapTest {

    private static final int PEAK = 5;
    private static final int KEPT = 2;
    private static final String GET = "GET /r HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    @Test
    void afterAPeakThePoolKeepsConnectionsIdleAndClosesTheRest() throws Exception {
        CountDownLatch peak = new CountDownLatch(PEAK);
        ExecutorService clients = Executors.newFixedThreadPool(PEAK);
        try (RawBackend backend = RawBackend.with(socket -> {
                 peak.countDown();
                 await(peak);
                 return RawBackend.answer(socket, RawBackend.OK);
             });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port(), p -> p.connections(KEPT)))) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
            List<Future<RawHttp.Response>> answers = new ArrayList<>();
            for (int i = 0; i < PEAK; i++) {
                answers.add(clients.submit(() -> RawHttp.exchange(address, GET)));
            }
            for (Future<RawHttp.Response> answer : answers) {
                assertEquals(200, answer.get().status());
            }
            assertEquals(PEAK, backend.connectionsAccepted(), "the peak did not open a connection per request");

            assertTrue(backend.awaitConnectionsEndedByPeer(PEAK - KEPT), "the connections above the idle cap stayed open");
            for (int i = 0; i < KEPT; i++) {
                assertEquals(200, RawHttp.exchange(address, GET).status());
            }
            assertEquals(PEAK, backend.connectionsAccepted(), "the kept connections were not reused");
        } finally {
            clients.shutdownNow();
        }
    }
}
