package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP/1.1 codec on its own, on real sockets: what it reports to its {@link UpstreamCodec.Listener}, in which
 * order, and when it calls its connection reusable. The exchange here is a plain recorder in place of
 * {@link ProxiedExchange} (no retries, no health, no deadline), so each report shows as the codec made it.
 */
@Timeout(30)
class Http1CodecTest {

    private static final String GET = "GET /r HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    private static final List<String> RELAYED_AND_REUSABLE =
            List.of("new connection", "requestSent", "answered", "relaying 200", "responseRelayed", "reusable true");

    /** Writes {@code parts} one by one, flushed and a moment apart, so that each is likely a read of its own. */
    private static RawBackend answeringInParts(String... parts) throws IOException {
        return RawBackend.with(socket -> {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    pause();
                }
                out.write(parts[i].getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            return true;
        });
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks a backend that answers in {@code parts} for a page; asserts the client got {@code body} and the codec
     * reported a response relayed whole on a connection left reusable.
     */
    private static void relayedWhole(String body, String... parts) throws Exception {
        try (RawBackend backend = answeringInParts(parts);
             CodecServer server = new CodecServer(backend.port())) {
            RawHttp.Response response = RawHttp.exchange(server.address(), GET);
            assertEquals(200, response.status(), response.head());
            assertEquals(body, response.body());
            assertEquals(RELAYED_AND_REUSABLE, server.nextReport());
        }
    }

    @Test
    void aResponseHeadSplitAcrossReadsIsParsedWhole() throws Exception {
        relayedWhole("ok", "HTTP/1.1 200 OK\r\nContent-Le", "ngth: 2\r\n\r", "\nok");
    }

    @Test
    void anInterimResponseArrivingApartFromTheFinalOneIsDropped() throws Exception {
        relayedWhole("ok", "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }

    @Test
    void aChunkedBodySplitAcrossReadsIsRelayedAndLeavesTheConnectionReusable() throws Exception {
        relayedWhole("ok and", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok", "\r\n4\r\n an",
                "d\r\n0\r\n\r\n");
    }

    @Test
    void theNextRequestOnAConnectionIsServedByTheSameCodec() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             CodecServer server = new CodecServer(backend.port())) {
            RawHttp.exchange(server.address(), GET);
            assertEquals(RELAYED_AND_REUSABLE, server.nextReport());
            RawHttp.exchange(server.address(), GET);
            assertEquals("reused connection", server.nextReport().get(0));
            assertEquals(2, server.codecs.size());
            assertSame(server.codecs.get(0), server.codecs.get(1));
        }
    }

    @Test
    void bytesPastTheContentLengthAreNotRelayedAndTheConnectionIsNotReused() throws Exception {
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA");
             CodecServer server = new CodecServer(backend.port())) {
            RawHttp.Response response = RawHttp.exchange(server.address(), GET);
            assertEquals("ok", response.body());
            List<String> report = server.nextReport();
            assertEquals("reusable false", report.get(report.size() - 1), report.toString());
        }
    }

    @Test
    void aBodyOfUnknownLengthGoesOutChunkedAndIsSentBeforeTheAnswerIsRead() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             CodecServer server = new CodecServer(backend.port())) {
            RawHttp.Response response = RawHttp.exchange(server.address(), "POST /upload HTTP/1.1\r\nHost: a\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertEquals(200, response.status(), response.head());
            RawBackend.Received received = backend.next();
            assertTrue(received.head().contains("\r\nTransfer-Encoding: chunked\r\n"), received.head());
            assertEquals("hello world", new String(received.body(), StandardCharsets.ISO_8859_1));
            assertEquals(RELAYED_AND_REUSABLE, server.nextReport());
        }
    }

    @Test
    void aHeadLargerThanOneBufferIsABadResponseAndTheConnectionIsNotReused() throws Exception {
        String huge = "HTTP/1.1 200 OK\r\nX-Filler: " + "a".repeat(70_000) + "\r\nContent-Length: 2\r\n\r\nok";
        try (RawBackend backend = RawBackend.answering(huge);
             CodecServer server = new CodecServer(backend.port())) {
            assertEquals(502, RawHttp.exchange(server.address(), GET).status());
            List<String> report = server.nextReport();
            assertEquals(4, report.size(), report.toString());
            assertEquals(List.of("new connection", "requestSent"), report.subList(0, 2));
            assertTrue(report.get(2).startsWith("badResponse: invalid response: head larger than "), report.toString());
            assertEquals("reusable false", report.get(3));
        }
    }

    @Test
    void aBackendClosingInTheMiddleOfTheHeadBreaksBeforeTheResponse() throws Exception {
        try (RawBackend backend = RawBackend.with(socket -> {
                RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nContent-");
                return false;
            });
             CodecServer server = new CodecServer(backend.port())) {
            assertEquals(502, RawHttp.exchange(server.address(), GET).status());
            assertEquals(List.of("new connection", "requestSent",
                            "brokeBeforeResponse: backend closed the connection in the middle of the response head",
                            "reusable false"),
                    server.nextReport());
        }
    }

    @Test
    void aSwitchNobodyAskedForIsABadResponseAfterTheBackendAnswered() throws Exception {
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n\r\n");
             CodecServer server = new CodecServer(backend.port())) {
            assertEquals(502, RawHttp.exchange(server.address(), GET).status());
            assertEquals(List.of("new connection", "requestSent", "answered",
                            "badResponse: invalid response: switching protocols the client did not ask for",
                            "reusable false"),
                    server.nextReport());
        }
    }

    /**
     * An Undertow listener on one IO thread whose handler leases a connection from a {@link BackendPool} with HTTP/1.1
     * codecs and runs the request through its codec, recording each report; at the end of each exchange the list
     * of reports, closed by the codec's reuse answer, is queued for the test.
     */
    private static final class CodecServer implements AutoCloseable {
        private final BackendPool pool;
        private final Undertow undertow;
        private final BlockingQueue<List<String>> reports = new LinkedBlockingQueue<>();
        /** The codec of each exchange's connection, in order; written on the IO thread, read after its report. */
        private final List<UpstreamCodec> codecs = new java.util.concurrent.CopyOnWriteArrayList<>();

        CodecServer(int backendPort) {
            URI backend = URI.create("http://127.0.0.1:" + backendPort);
            pool = new BackendPool(backend, 4, 0, 0, 2_000, 60_000, Http1Codec.factory(backend, false));
            undertow = Undertow.builder()
                    .addHttpListener(0, "127.0.0.1")
                    .setIoThreads(1)
                    .setWorkerThreads(1)
                    .setHandler(exchange -> exchange.dispatch(SameThreadExecutor.INSTANCE,
                            () -> pool.acquire(exchange.getIoThread(), new Recorder(exchange), false)))
                    .build();
            undertow.start();
        }

        InetSocketAddress address() {
            int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }

        List<String> nextReport() throws InterruptedException {
            List<String> report = reports.poll(10, TimeUnit.SECONDS);
            assertNotNull(report, "no exchange ended");
            return report;
        }

        @Override
        public void close() {
            undertow.stop();
            pool.close();
        }

        /** One exchange: answers as plainly as it can, and records what the codec reports. */
        private final class Recorder implements BackendPool.Lease, UpstreamCodec.Listener {
            private final HttpServerExchange exchange;
            private final List<String> events = new ArrayList<>();
            private BackendConnection connection;

            Recorder(HttpServerExchange exchange) {
                this.exchange = exchange;
            }

            @Override
            public void connected(BackendConnection leased, boolean reused) {
                connection = leased;
                codecs.add(leased.codec);
                events.add(reused ? "reused connection" : "new connection");
                exchange.addExchangeCompleteListener((done, next) -> {
                    leased.codec.stop();
                    boolean reusable = leased.codec.reusable();
                    events.add("reusable " + reusable);
                    pool.release(leased, reusable);
                    reports.add(events);
                    next.proceed();
                });
                leased.codec.start(exchange, !exchange.isRequestComplete(), this);
            }

            @Override
            public void failed(BackendPool.Failure failure, String reason) {
                events.add("no connection: " + reason);
                reports.add(events);
                exchange.setStatusCode(503);
                exchange.endExchange();
            }

            @Override
            public void requestSent() {
                events.add("requestSent");
            }

            @Override
            public void brokeBeforeResponse(String reason) {
                events.add("brokeBeforeResponse: " + reason);
                answerBadGateway();
            }

            @Override
            public void answered() {
                events.add("answered");
            }

            @Override
            public void badResponse(String reason) {
                events.add("badResponse: " + reason);
                answerBadGateway();
            }

            private void answerBadGateway() {
                connection.codec.stop();
                connection.close();
                exchange.setStatusCode(502);
                exchange.endExchange();
            }

            @Override
            public void relaying(int status) {
                events.add("relaying " + status);
            }

            /** A tunnel whose silence outlasts any test, its log the proxy's logger. */
            @Override
            public Tunnel switching() {
                events.add("switching");
                return new Tunnel(connection, new DeadlineQueue.PerThread(60_000),
                        new ProxyLog(ProxyLog.repeatedEvents(java.time.Duration.ZERO)), ProxyLog.request(exchange),
                        URI.create("http://backend.invalid"));
            }

            // Not recorded: how often a relay pauses depends on how the bytes happen to arrive.
            @Override
            public void awaitingBody() {
            }

            @Override
            public void awaitingClient() {
            }

            @Override
            public void responseRelayed(StreamSinkChannel toClient) {
                events.add("responseRelayed");
                ShutdownAndFlush.then(() -> { }, e -> IoUtils.safeClose(exchange.getConnection())).handleEvent(toClient);
            }

            @Override
            public void responseBroke(String reason) {
                events.add("responseBroke: " + reason);
                IoUtils.safeClose(exchange.getConnection());
            }

            @Override
            public void clientWentAwayBeforeTheBackend(IOException failure) {
                events.add("clientWentAwayBeforeTheBackend");
                IoUtils.safeClose(exchange.getConnection());
            }

            @Override
            public void clientWentAwayAfterTheBackend(IOException failure) {
                events.add("clientWentAwayAfterTheBackend");
                IoUtils.safeClose(exchange.getConnection());
            }

            @Override
            public void requestBodyFailed(IOException failure) {
                events.add("requestBodyFailed");
                IoUtils.safeClose(exchange.getConnection());
            }

            @Override
            public void requestBodyNotTaken(StreamSourceChannel fromClient, IOException failure) {
                events.add("requestBodyNotTaken");
                IoUtils.safeClose(exchange.getConnection());
            }
        }
    }
}
