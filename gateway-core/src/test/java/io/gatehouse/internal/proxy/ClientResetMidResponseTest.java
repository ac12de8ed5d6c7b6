package io.gatehouse.internal.proxy;

import io.gatehouse.testing.Latches;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that resets its connection in the middle of a large proxied response: an expected event, so no ERROR
 * and no stack trace, and the proxy goes on serving. The backend sends 32 KiB, waits for the client's reset, then
 * sends the rest, which the proxy cannot relay; it sees its connection closed once the proxy gave up.
 */
@Timeout(60)
class ClientResetMidResponseTest {

    private static final int LENGTH = 32 * 1024 + 1024 * 1024;

    private final CountDownLatch clientReset = new CountDownLatch(1);
    private LogCapture log;
    private RawBackend backend;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        log = LogCapture.on("");
        backend = RawBackend.with(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + LENGTH + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[32 * 1024]);
            out.flush();
            Latches.await(clientReset);
            for (int i = 0; i < 64; i++) {
                out.write(new byte[16 * 1024]);
            }
            out.flush();
            return true;
        });
        proxy = ProxyServer.start(ProxyServer.config(backend.port()));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        backend.close();
        log.close();
    }

    @Test
    void aClientResetMidResponseLogsNoErrorAndNoStackTrace() throws Exception {
        resetMidResponseThenAskAgain();
        log.assertNoErrorNorStackTrace();
    }

    @Test
    void theProxyServesTheNextRequestAfterAClientResetMidResponse() throws Exception {
        RawHttp.Response next = resetMidResponseThenAskAgain();
        assertEquals(200, next.status());
        assertEquals(LENGTH, next.bodyBytes().length);
    }

    /**
     * The client takes the head and some body and resets; the backend sends the rest and sees its connection closed;
     * then another request. One IO thread: once it is answered, whatever the broken relay logged is in the capture.
     */
    private RawHttp.Response resetMidResponseThenAskAgain() throws Exception {
        String head = RawHttp.readHeadThenReset(address(), "GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        clientReset.countDown();
        backend.awaitEveryConnectionEnded();
        return RawHttp.exchange(address(), "GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", proxy.port());
    }
}
