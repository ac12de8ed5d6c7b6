package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a backend connection carries another request: only after a complete, well-framed response whose backend
 * keeps the connection open, and never when bytes came that no request asked for (they would be read as the next
 * response, another client's).
 */
@Timeout(30)
class BackendConnectionReuseTest {

    private static final String GET = "GET /r HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    private static InetSocketAddress address(ProxyServer proxy) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
    }

    /** Two requests through a proxy whose backend answers each with {@code response}; returns the connections used. */
    private static int connectionsForTwoRequests(String response, String expectedBody) throws Exception {
        return connectionsForTwoRequests(response, 200, expectedBody);
    }

    private static int connectionsForTwoRequests(String response, int expectedStatus, String expectedBody) throws Exception {
        try (RawBackend backend = RawBackend.answering(response);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            for (int i = 0; i < 2; i++) {
                RawHttp.Response answer = RawHttp.exchange(address(proxy), GET);
                assertEquals(expectedStatus, answer.status(), answer.head());
                assertEquals(expectedBody, answer.body());
                backend.next();
            }
            return backend.connectionsAccepted();
        }
    }

    @Test
    void http11ResponseKeepsTheConnection() throws Exception {
        assertEquals(1, connectionsForTwoRequests("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok"));
    }

    @Test
    void connectionCloseFromTheBackendIsHonoured() throws Exception {
        // The backend here keeps reading all the same: only Gatehouse's reading of the header decides.
        assertEquals(2, connectionsForTwoRequests("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", "ok"));
    }

    @Test
    void http10ResponseWithoutKeepAliveEndsTheConnection() throws Exception {
        assertEquals(2, connectionsForTwoRequests("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok"));
    }

    @Test
    void http10ResponseWithKeepAliveKeepsTheConnection() throws Exception {
        assertEquals(1, connectionsForTwoRequests("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", "ok"));
    }

    @Test
    void chunkedHttp10ResponseEndsTheConnectionEvenWithKeepAlive() throws Exception {
        // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message is faulty framing; the connection closes after it.
        assertEquals(2, connectionsForTwoRequests(
                "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", "ok"));
    }

    @Test
    void bytesAfterAContentLengthBodyAreNeverReadAsTheNextResponse() throws Exception {
        String smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil";
        assertEquals(2, connectionsForTwoRequests("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + smuggled, "ok"));
    }

    @Test
    void bytesAfterAChunkedBodyAreNeverReadAsTheNextResponse() throws Exception {
        String smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil";
        assertEquals(2, connectionsForTwoRequests("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" + smuggled, "ok"));
    }

    @Test
    void bytesAfterABodilessResponseAreNeverReadAsTheNextResponse() throws Exception {
        String smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil";
        assertEquals(2, connectionsForTwoRequests("HTTP/1.1 204 No Content\r\n\r\n" + smuggled, 204, ""));
    }

    @Test
    void anIdleConnectionOnWhichTheBackendSpeaksIsClosed() throws Exception {
        CountDownLatch closedByProxy = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
                 OutputStream out = socket.getOutputStream();
                 out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                 out.flush();
                 if (closedByProxy.getCount() == 0) {
                     return true;
                 }
                 // Once the response is surely read: an answer to no request, on a connection now idle.
                 InputStream in = socket.getInputStream();
                 socket.setSoTimeout(50);
                 try {
                     in.read();
                 } catch (java.net.SocketTimeoutException quiet) {
                     // nothing came, as expected
                 }
                 socket.setSoTimeout(0);
                 out.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil".getBytes(StandardCharsets.ISO_8859_1));
                 out.flush();
                 try {
                     if (in.read() < 0) {
                         closedByProxy.countDown();
                     }
                 } catch (java.net.SocketException reset) {
                     // Closed with the unasked-for bytes unread: the kernel resets instead of a clean close.
                     closedByProxy.countDown();
                 }
                 return false;
             });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawHttp.Response first = RawHttp.exchange(address(proxy), GET);
            assertEquals("ok", first.body());
            assertTrue(closedByProxy.await(10, TimeUnit.SECONDS), "the proxy kept a connection that sent unasked-for bytes");
            RawHttp.Response second = RawHttp.exchange(address(proxy), GET);
            assertEquals(200, second.status(), second.head());
            assertEquals("ok", second.body());
            assertEquals(2, backend.connectionsAccepted());
        }
    }
}
