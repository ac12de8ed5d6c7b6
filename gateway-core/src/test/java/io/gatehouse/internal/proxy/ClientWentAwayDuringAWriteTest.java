package io.gatehouse.internal.proxy;

import io.gatehouse.testing.Latches;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
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

/**
 * A write of the response body to the client fails, after the backend's whole response was read, and the exchange
 * lives on: the codec, not stopped, reports the client gone after the backend, and the backend connection serves the
 * next request. (A real reset over HTTP/1.1 or TLS has Undertow end the exchange inside the failing write, see
 * {@link ClientWentAwayBeforeTheResponseTest}; a channel may also just throw, which a conduit of the test's own under
 * the response channel does here.)
 */
@Timeout(30)
class ClientWentAwayDuringAWriteTest {

    /** The request whose writes fail; every other one is served as it is. */
    private static final String GONE = "/gone";

    private final CountDownLatch goneRequestEnded = new CountDownLatch(1);
    private LogCapture log;
    private RawBackend backend;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws IOException {
        log = LogCapture.on("io.gatehouse.internal.proxy");
        backend = RawBackend.answering(RawBackend.OK);
        proxy = ProxyServer.startWrapped(ProxyServer.config(backend.port()), ProxyServer.TRUST_NOBODY,
                proxied -> exchange -> {
                    if (exchange.getRequestPath().equals(GONE)) {
                        exchange.addResponseWrapper((factory, ignored) -> new WritesFail(factory.create()));
                        exchange.addExchangeCompleteListener((done, next) -> {
                            goneRequestEnded.countDown();
                            next.proceed();
                        });
                    }
                    proxied.handleRequest(exchange);
                });
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        backend.close();
        log.close();
    }

    @Test
    void theBackendConnectionServesTheNextRequest() throws Exception {
        writeToTheClientFails();

        RawHttp.Response next = RawHttp.exchange(address(), "GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertEquals("ok", next.body());
        assertEquals(1, backend.connectionsAccepted(), "the next request went over the first one's backend connection");
    }

    @Test
    void theClientsLeavingIsLoggedAsTheClientsNotTheBackends() throws Exception {
        writeToTheClientFails();

        List<String> warnings = log.records().stream().filter(record -> record.getLevel() == Level.WARNING)
                .map(LogRecord::getMessage).toList();
        assertEquals(List.of("GET /gone: connection closed, client went away during the response: ClosedChannelException"),
                warnings);
    }

    /** Asks for {@link #GONE}, whose body cannot be written: the client connection is closed, and the request ends. */
    private void writeToTheClientFails() throws IOException {
        try (Socket client = new Socket()) {
            client.connect(address(), 5_000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write(("GET " + GONE + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.getInputStream().readAllBytes();
        }
        Latches.await(goneRequestEnded);
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", proxy.port());
    }

    /** Under the response channel of {@link #GONE}: every write throws, as a channel whose client went away does. */
    private static final class WritesFail extends AbstractStreamSinkConduit<StreamSinkConduit> {

        WritesFail(StreamSinkConduit next) {
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
}
