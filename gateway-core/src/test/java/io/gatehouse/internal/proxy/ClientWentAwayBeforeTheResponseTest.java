package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.Latches;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.undertow.server.HttpHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client resets its connection right after sending its request (plain HTTP/1.1, or TLS reset under its TLS
 * session), before the backend answers; the proxy learns of it
 * when its write of the response fails (Undertow ends the exchange inside that write). A response read whole by then
 * leaves a backend connection fit for the next request, which it serves; one whose body is still coming, or that
 * ends its connection, is closed as before. (nginx: an upstream response already read whole stays in the keepalive
 * cache; one still being read is closed.)
 *
 * <p>Ordered by events: the backend holds its first answer until the client's reset is sent (a close with SO_LINGER 0
 * returns once the RST went out, which on loopback reaches the proxy's socket within that call), and the next step
 * waits for the gone request's exchange to have ended, after the proxy let go of the backend connection.
 */
@Timeout(30)
class ClientWentAwayBeforeTheResponseTest {

    /** The request whose client resets; every other one is served as it is. */
    private static final String GONE = "/gone";

    private final CountDownLatch clientReset = new CountDownLatch(1);
    private final CountDownLatch goneRequestEnded = new CountDownLatch(1);
    private RawBackend backend;
    private ProxyServer proxy;

    /** Over TLS: what the clients trust; null for plain HTTP. */
    private SSLContext clientTls;

    /**
     * Proxies over plain HTTP to a new backend that answers the first request with {@code first} once the client
     * reset, then OK.
     */
    private void serve(String first) throws IOException {
        serve(first, null);
    }

    /** {@link #serve(String)}, over TLS with {@code tls}'s certificate when not null. */
    private void serve(String first, SSLContext tls) throws IOException {
        AtomicBoolean firstAnswered = new AtomicBoolean();
        backend = RawBackend.with(socket -> {
            if (firstAnswered.compareAndSet(false, true)) {
                Latches.await(clientReset);
                return RawBackend.answer(socket, first);
            }
            return RawBackend.answer(socket, RawBackend.OK);
        });
        UnaryOperator<HttpHandler> wrap = proxied -> exchange -> {
            if (exchange.getRequestPath().equals(GONE)) {
                exchange.addExchangeCompleteListener((done, next) -> {
                    goneRequestEnded.countDown();
                    next.proceed();
                });
            }
            proxied.handleRequest(exchange);
        };
        ProxyConfig config = ProxyServer.config(backend.port());
        proxy = tls == null ? ProxyServer.startWrapped(config, ProxyServer.TRUST_NOBODY, wrap)
                : ProxyServer.startWrappedOverTls(config, tls, wrap);
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
            backend.close();
        }
    }

    @Test
    void aResponseReadWholeLeavesItsConnectionToTheNextRequest() throws Exception {
        serve(RawBackend.OK);
        clientResetsBeforeTheResponse();

        RawHttp.Response next = RawHttp.exchange(address(), "GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertEquals("ok", next.body());
        assertEquals(1, backend.connectionsAccepted(), "the next request went over the gone one's backend connection");
    }

    @Test
    void overTlsAResponseReadWholeLeavesItsConnectionToTheNextRequest(@TempDir Path dir) throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        clientTls = ca.clientContext();
        serve(RawBackend.OK, ca.issue("a.test").write().serverContext());
        clientResetsBeforeTheResponse();

        try (Socket client = connect(new Socket())) {
            TlsClient.write(client, "GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals("ok", RawHttp.read(client).body());
        }
        assertEquals(1, backend.connectionsAccepted(), "the next request went over the gone one's backend connection");
    }

    @Test
    void aResponseWhoseBodyIsStillComingClosesItsConnection() throws Exception {
        // 100 bytes of a megabyte, and nothing more: the connection, idle or not, sees no other byte.
        serve("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + "x".repeat(100));
        clientResetsBeforeTheResponse();

        backend.awaitEveryConnectionEnded();
    }

    /**
     * Undertow ends the exchange inside the write that finds the client gone, before the relay can report the
     * failure: the departure is still logged, naming the backend whose response was cut short.
     */
    @Test
    void aResponseWhoseBodyIsStillComingIsLoggedWithItsBackend() throws Exception {
        try (LogCapture log = LogCapture.on("io.gatehouse.internal.proxy")) {
            serve("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + "x".repeat(100));
            clientResetsBeforeTheResponse();

            String named = "GET " + GONE + " -> http://127.0.0.1:" + backend.port() + ": ";
            assertTrue(log.messages().stream().anyMatch(line -> line.startsWith(named)
                    && line.contains("client went away during the response")), log.messages().toString());
        }
    }

    @Test
    void aChunkedResponseWithoutItsLastChunkClosesItsConnection() throws Exception {
        serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        clientResetsBeforeTheResponse();

        backend.awaitEveryConnectionEnded();
    }

    @Test
    void aResponseThatEndsItsConnectionClosesIt() throws Exception {
        serve("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        clientResetsBeforeTheResponse();

        // The backend keeps reading after its answer: only the proxy can end the connection.
        backend.awaitEveryConnectionEnded();
    }

    /**
     * Sends a request for {@link #GONE}, waits until the backend has it, resets the client connection, lets the
     * backend answer, and waits for the request's exchange to end.
     */
    private void clientResetsBeforeTheResponse() throws Exception {
        try (Socket tcp = new Socket()) {
            Socket client = connect(tcp);
            TlsClient.write(client, "GET " + GONE + " HTTP/1.1\r\nHost: a\r\n\r\n");
            backend.next();
            // The TCP socket itself: a TLS client would send close_notify first, a crashing or aborting one does not.
            tcp.setSoLinger(true, 0);
        }
        clientReset.countDown();
        Latches.await(goneRequestEnded);
    }

    /** Connects {@code tcp} to the proxy: the client's socket, over TLS (handshake done) when the test uses it. */
    private Socket connect(Socket tcp) throws IOException {
        tcp.connect(address(), 5_000);
        tcp.setSoTimeout(10_000);
        if (clientTls == null) {
            return tcp;
        }
        SSLSocket tls = (SSLSocket) clientTls.getSocketFactory().createSocket(tcp, "a.test", proxy.port(), true);
        tls.startHandshake();
        return tls;
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", proxy.port());
    }
}
