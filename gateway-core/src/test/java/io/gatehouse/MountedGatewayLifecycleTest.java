package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp.Response;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.vhost;
import static io.gatehouse.testing.Latches.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link GatewayHandler} mounted in an application's own Undertow server has a gateway's lifecycle: reload, drained
 * stop, close. Real server, real backends.
 */
@Timeout(60)
class MountedGatewayLifecycleTest {

    private static final String GET_AND_CLOSE = "GET /x HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n";
    private static final String PROBE = "GET / HTTP/1.1\r\nHost: probe.test\r\nConnection: close\r\n\r\n";

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();

    @Test
    void requestInFlightDuringAReloadFinishesUnderTheOldConfigurationWhileTheNextGoesToTheNewBackend() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RawBackend old = backend(RawBackend.with(socket -> {
            arrived.countDown();
            await(release);
            return RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nold");
        }));
        RawBackend fresh = backend(RawBackend.answering("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh"));
        GatewayHandler handler = mounted(proxyingTo(old));
        InetSocketAddress address = serve(handler);

        try (Socket inFlight = new Socket()) {
            inFlight.connect(address);
            inFlight.getOutputStream().write(GET_AND_CLOSE.getBytes(StandardCharsets.US_ASCII));
            await(arrived);

            handler.reload(proxyingTo(fresh));
            Response next = RawHttp.exchange(address, GET_AND_CLOSE);
            release.countDown();
            Response started = RawHttp.read(inFlight);

            assertEquals("fresh", next.body(), "a request that starts after the reload goes to the new backend");
            assertEquals(200, started.status());
            assertEquals("old", started.body(), "the request in flight finishes under the configuration it started with");
        }
    }

    @Test
    void reloadClosesTheReplacedConfigurationsBackendConnectionsOnceDrained() throws Exception {
        CountDownLatch closedByGateway = new CountDownLatch(1);
        RawBackend old = backend(keepAliveNoticingClose(closedByGateway));
        RawBackend fresh = backend(RawBackend.answering(RawBackend.OK));
        GatewayHandler handler = mounted(proxyingTo(old));
        InetSocketAddress address = serve(handler);
        assertEquals("ok", RawHttp.exchange(address, GET_AND_CLOSE).body());

        handler.reload(proxyingTo(fresh));

        await(closedByGateway);
        assertEquals(proxyingTo(fresh), handler.config());
    }

    @Test
    void stopLetsAnInFlightRequestFinishAndAnswersNewOnes503() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RawBackend slow = backend(RawBackend.with(socket -> {
            arrived.countDown();
            await(release);
            return RawBackend.answer(socket, RawBackend.OK);
        }));
        GatewayHandler handler = mounted(proxyingTo(slow));
        InetSocketAddress address = serve(handler);

        try (Socket inFlight = new Socket()) {
            inFlight.connect(address);
            inFlight.getOutputStream().write(GET_AND_CLOSE.getBytes(StandardCharsets.US_ASCII));
            await(arrived);

            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> handler.stop(Duration.ofSeconds(20)));
            awaitStatus(address, PROBE, 503);
            assertEquals(503, RawHttp.exchange(address, GET_AND_CLOSE).status(), "a new request after the stop");

            release.countDown();
            Response finished = RawHttp.read(inFlight);
            assertEquals(200, finished.status());
            assertEquals("ok", finished.body());
            assertTrue(stopped.get(), "every in-flight request finished before the deadline");
        }
    }

    @Test
    void requestOutlivingTheDeadlineMakesStopReturnFalseAndClosesItsBackendConnectionWhenItEnds() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch closedByGateway = new CountDownLatch(1);
        RawBackend late = backend(RawBackend.with(socket -> {
            arrived.countDown();
            await(release);
            RawBackend.answer(socket, RawBackend.OK);
            if (RawBackend.readHead(socket.getInputStream()) == null) {
                closedByGateway.countDown();
            }
            return false;
        }));
        GatewayHandler handler = mounted(proxyingTo(late));
        InetSocketAddress address = serve(handler);

        try (Socket inFlight = new Socket()) {
            inFlight.connect(address);
            inFlight.getOutputStream().write(GET_AND_CLOSE.getBytes(StandardCharsets.US_ASCII));
            await(arrived);

            assertFalse(handler.stop(Duration.ofMillis(200)), "the backend had not answered by the deadline");

            // The connection is the application's: the request is not cut, and its backend connection is not kept.
            release.countDown();
            assertEquals("ok", RawHttp.read(inFlight).body());
            await(closedByGateway);
        }
    }

    @Test
    void closeReleasesBackendConnections() throws Exception {
        CountDownLatch closedByGateway = new CountDownLatch(1);
        RawBackend keepAlive = backend(keepAliveNoticingClose(closedByGateway));
        GatewayHandler handler = Gateway.handler(proxyingTo(keepAlive));
        InetSocketAddress address = serve(handler);
        assertEquals("ok", RawHttp.exchange(address, GET_AND_CLOSE).body());

        handler.close();

        await(closedByGateway);
    }

    @Test
    void stoppedHandlerRefusesAReloadAndStopsOnce() {
        GatewayHandler handler = Gateway.handler(Configs.gateway(echo("probe", "probe.test")));

        assertTrue(handler.stop(Duration.ofSeconds(1)));

        assertThrows(IllegalStateException.class, () -> handler.reload(Configs.gateway(echo("other", "*"))));
        assertTrue(handler.stop(Duration.ofSeconds(1)), "a second stop has nothing to wait for");
    }

    /** A backend that answers one request, keeps the connection, and counts down when the gateway closes it. */
    private static RawBackend keepAliveNoticingClose(CountDownLatch closed) throws IOException {
        return RawBackend.with(socket -> {
            RawBackend.answer(socket, RawBackend.OK);
            if (RawBackend.readHead(socket.getInputStream()) == null) {
                closed.countDown();
            }
            return false;
        });
    }

    /** Sends {@code request} until it is answered {@code status}: the stop running on another thread has begun. */
    private static void awaitStatus(InetSocketAddress address, String request, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (RawHttp.exchange(address, request).status() != status) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never answered " + status);
            }
            Thread.sleep(10);
        }
    }

    private GatewayHandler mounted(GatewayConfig config) {
        return cleanUp.add(Gateway.handler(config));
    }

    /** {@code handler} as the root of an application's own Undertow server; its address. */
    private InetSocketAddress serve(GatewayHandler handler) {
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(handler).build();
        server.start();
        cleanUp.add(server::stop);
        return (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    }

    private RawBackend backend(RawBackend backend) {
        return cleanUp.add(backend);
    }

    /** {@code app.test} proxying to {@code backend}, beside an echo vhost {@code probe.test}. */
    private static GatewayConfig proxyingTo(RawBackend backend) {
        ProxyConfig proxy = Configs.proxy(p -> p.backend("http://127.0.0.1:" + backend.port()));
        return Configs.gateway(vhost("app", List.of("app.test"), List.of(), proxy), echo("probe", "probe.test"));
    }
}
