package io.gatehouse.internal.proxy;

import io.gatehouse.GatewayMeters;
import io.gatehouse.internal.observe.RequestMetrics;
import io.gatehouse.internal.observe.UpstreamCall;
import io.gatehouse.testing.Latches;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client goes away while the end of a response is flushed to it, after the backend's whole response was read and
 * handed to the client's channel: the backend's part is over, so its keep-alive connection goes back to the pool and
 * serves the next request, the line logged is the client's, and the trip counts as the backend answered it. (nginx:
 * the upstream connection is already cached, the client's abort is logged at info, never as an upstream error.)
 *
 * <p>The failed flush is injected where Undertow reports it to the proxy: a conduit of the test's own, under the
 * response channel, throws what that channel throws once the client's connection closed under it. The real ways to
 * get there race with Undertow's own end of the exchange: a client that resets its TCP connection or its HTTP/2
 * stream, or closes either, while the end waits in a full socket, a TLS record or a flow-control window, had
 * Undertow end the exchange (and the proxy release the connection as at any end) before the flush's failure came,
 * in every variant tried; load generators closing their connections at the end of a run get the failure through.
 *
 * <p>The same holds for a write of the body that fails once the whole response was read (a small response read with
 * its head), the exchange alive after it: the codec reports the client gone after the backend.
 */
@Timeout(30)
class ClientGoneAtTheLastFlushTest {

    /** The request whose client goes away; every other one is served as it is. */
    private static final String GONE = "/gone";
    /** The request whose client goes away at the first write of the body, not at the last flush. */
    private static final String GONE_AT_A_WRITE = "/gone-at-a-write";

    /**
     * The request to {@link #GONE} (or {@link #GONE_AT_A_WRITE}) has ended: its exchange completed, after the proxy let go of the backend
     * connection and the meters recorded it.
     */
    private final CountDownLatch goneRequestEnded = new CountDownLatch(1);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private LogCapture log;
    private RawBackend backend;
    private ProxyServer proxy;

    @BeforeEach
    void captureLog() {
        log = LogCapture.on("io.gatehouse.internal.proxy");
    }

    /** Proxies to a new backend answering every request with {@code response}. */
    private void serve(String response) throws IOException {
        backend = RawBackend.answering(response);
        proxy = ProxyServer.startWrapped(ProxyServer.config(backend.port()), ProxyServer.TRUST_NOBODY,
                proxied -> {
                    RequestMetrics metered = new RequestMetrics(registry, proxied);
                    return exchange -> {
                        if (exchange.getRequestPath().equals(GONE) || exchange.getRequestPath().equals(GONE_AT_A_WRITE)) {
                            exchange.addResponseWrapper((factory, ignored) -> exchange.getRequestPath().equals(GONE)
                                    ? new ClientGoneAtTheLastFlush(factory.create()) : new ClientGoneAtAWrite(factory.create()));
                            exchange.addExchangeCompleteListener((done, next) -> {
                                goneRequestEnded.countDown();
                                next.proceed();
                            });
                        }
                        metered.handleRequest(exchange);
                    };
                });
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
            backend.close();
        }
        log.close();
    }

    @Test
    void theBackendConnectionServesTheNextRequest() throws Exception {
        serve(RawBackend.OK);
        clientGoesAwayAtTheLastFlush();

        RawHttp.Response next = RawHttp.exchange(address(), "GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertEquals("ok", next.body());
        assertEquals(1, backend.connectionsAccepted(), "the next request went over the first one's backend connection");
    }

    @Test
    void theClientsLeavingIsLoggedAsTheClientsNotTheBackends() throws Exception {
        serve(RawBackend.OK);
        clientGoesAwayAtTheLastFlush();

        assertEquals(List.of("GET /gone: connection closed, client went away during the response: ClosedChannelException"),
                warnings());
    }

    @Test
    void theTripCountsAsTheBackendAnsweredIt() throws Exception {
        serve(RawBackend.OK);
        clientGoesAwayAtTheLastFlush();

        assertEquals(1, registry.get(GatewayMeters.UPSTREAM_REQUESTS).tag("outcome", "SUCCESS").timer().count());
        assertTrue(registry.find(GatewayMeters.UPSTREAM_REQUESTS).tag("outcome", UpstreamCall.IO_ERROR).timers().isEmpty(),
                "no trip counted as an IO_ERROR");
    }

    @Test
    void aBackendConnectionTheBackendEndsIsClosedAllTheSame() throws Exception {
        serve("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        clientGoesAwayAtTheLastFlush();

        // The backend keeps reading after its answer: only the proxy can end the connection.
        assertTrue(backend.awaitConnectionsEndedByPeer(1), "the proxy closed the connection the backend said it ends");
    }

    @Test
    void aWriteThatFailsOnceTheWholeResponseWasReadLeavesTheBackendConnectionToTheNextRequest() throws Exception {
        serve(RawBackend.OK);
        clientGoesAway(GONE_AT_A_WRITE);

        RawHttp.Response next = RawHttp.exchange(address(), "GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertEquals("ok", next.body());
        assertEquals(1, backend.connectionsAccepted(), "the next request went over the first one's backend connection");
    }

    @Test
    void aWriteThatFailsOnceTheWholeResponseWasReadIsLoggedAsTheClientsLeaving() throws Exception {
        serve(RawBackend.OK);
        clientGoesAway(GONE_AT_A_WRITE);

        assertEquals(List.of("GET /gone-at-a-write: connection closed, client went away during the response: ClosedChannelException"),
                warnings());
    }

    private List<String> warnings() {
        return log.records().stream().filter(record -> record.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
    }

    /** Asks for {@link #GONE}: the client connection is closed over HTTP/1.1, and the request ends. */
    private void clientGoesAwayAtTheLastFlush() throws IOException {
        clientGoesAway(GONE);
    }

    /** Asks for {@code path}, whose client goes away: the client connection is closed over HTTP/1.1, and the request ends. */
    private void clientGoesAway(String path) throws IOException {
        try (Socket client = new Socket()) {
            client.connect(address(), 5_000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.getInputStream().readAllBytes();
        }
        Latches.await(goneRequestEnded);
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", proxy.port());
    }

    /**
     * Under the response channel of {@link #GONE}: once the response is shut down, its flush throws, as Undertow's
     * channel does when the client's connection closed under it. Writes and earlier flushes pass.
     */
    /**
     * Under the response channel of {@link #GONE_AT_A_WRITE}: every write throws, as a channel whose client went away
     * may, the exchange left alive (a real reset has Undertow end it inside the write: see
     * {@link ClientWentAwayBeforeTheResponseTest}).
     */
    private static final class ClientGoneAtAWrite extends AbstractStreamSinkConduit<StreamSinkConduit> {

        ClientGoneAtAWrite(StreamSinkConduit next) {
            super(next);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            throw new ClosedChannelException();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
            throw new ClosedChannelException();
        }
    }

    private static final class ClientGoneAtTheLastFlush extends AbstractStreamSinkConduit<StreamSinkConduit> {

        private boolean shutDown;

        ClientGoneAtTheLastFlush(StreamSinkConduit next) {
            super(next);
        }

        @Override
        public void terminateWrites() throws IOException {
            shutDown = true;
            super.terminateWrites();
        }

        @Override
        public boolean flush() throws IOException {
            if (shutDown) {
                throw new ClosedChannelException();
            }
            return super.flush();
        }
    }
}
