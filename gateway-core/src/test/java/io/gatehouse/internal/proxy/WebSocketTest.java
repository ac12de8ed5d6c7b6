package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class WebSocketTest {

    /** Answers the handshake with 101, then echoes every byte back until the proxy closes. */
    private static RawBackend switchingEchoBackend() throws Exception {
        return RawBackend.with(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            return false;
        });
    }

    @Test
    void webSocketUpgradeIsProxiedAndBytesFlowBothWays() throws Exception {
        try (RawBackend backend = switchingEchoBackend();
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            String head = RawBackend.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            assertTrue(head.toLowerCase().contains("\r\nupgrade: websocket\r\n"), head);
            assertTrue(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);

            String forwarded = backend.next().head();
            assertTrue(forwarded.contains("\r\nUpgrade: websocket\r\n"), forwarded);
            assertTrue(forwarded.contains("\r\nConnection: Upgrade\r\n"), forwarded);
            assertTrue(forwarded.contains("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), forwarded);

            // A masked text frame "hi"; the backend echoes the raw bytes through the relay.
            byte[] frame = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, (byte) ('h' ^ 1), (byte) ('i' ^ 2)};
            client.getOutputStream().write(frame);
            client.getOutputStream().flush();
            byte[] echoed = in.readNBytes(frame.length);
            assertEquals(new String(frame, StandardCharsets.ISO_8859_1), new String(echoed, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void nonWebSocketUpgradeIsNotForwarded() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: close\r\nConnection: Upgrade\r\n\r\n");
            String forwarded = backend.next().head().toLowerCase();
            assertTrue(!forwarded.contains("\r\nupgrade:"), forwarded);
        }
    }

    @Test
    void webSocketUpgradeOnAConnectionAboutToCloseIsNotForwarded() throws Exception {
        // Undertow never switches a connection it is closing (here HTTP/1.0): the backend must not switch either, or
        // its connection would wait for a relay that never starts.
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), HANDSHAKE.replace("HTTP/1.1", "HTTP/1.0"));
            String forwarded = backend.next().head().toLowerCase();
            assertTrue(!forwarded.contains("\r\nupgrade:"), forwarded);
        }
    }

    private static final String HANDSHAKE = "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    static final String SWITCHING = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    /** Opens a WebSocket through the proxy and returns the client socket, its 101 already read. */
    static Socket upgraded(ProxyServer proxy) throws Exception {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        client.setSoTimeout(10_000);
        client.getOutputStream().write(HANDSHAKE.getBytes(StandardCharsets.US_ASCII));
        String head = RawBackend.readHead(client.getInputStream());
        assertTrue(head != null && head.startsWith("HTTP/1.1 101 "), head);
        return client;
    }

    @Test
    void clientClosingTheWebSocketReachesTheBackendAsEndOfStream() throws Exception {
        java.util.concurrent.CompletableFuture<byte[]> backendRead = new java.util.concurrent.CompletableFuture<>();
        try (RawBackend backend = RawBackend.with(socket -> {
                 socket.getOutputStream().write(SWITCHING.getBytes(StandardCharsets.US_ASCII));
                 socket.getOutputStream().flush();
                 socket.setSoTimeout(10_000);
                 // Everything until end of stream; a timeout here would mean the client's close never arrived.
                 backendRead.complete(socket.getInputStream().readAllBytes());
                 return false;
             });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            Socket client = upgraded(proxy);
            client.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            client.close();
            assertEquals("bye", new String(backendRead.get(15, java.util.concurrent.TimeUnit.SECONDS), StandardCharsets.US_ASCII));
            assertTrue(backend.next().head().startsWith("GET /chat "));
        }
    }

    @Test
    void backendClosingTheWebSocketReachesTheClientAsEndOfStream() throws Exception {
        try (RawBackend backend = RawBackend.with(socket -> {
                 socket.getOutputStream().write((SWITCHING + "last words").getBytes(StandardCharsets.US_ASCII));
                 socket.getOutputStream().flush();
                 return false;
             });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()));
             Socket client = upgraded(proxy)) {
            // readAllBytes returns only at end of stream; the 10 s socket timeout fails the test otherwise.
            assertEquals("last words", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            assertTrue(backend.next().head().startsWith("GET /chat "));
        }
    }

    @Test
    void closedWebSocketGivesItsPooledConnectionSlotBack() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (RawBackend backend = RawBackend.with(socket -> {
                 if (first.getAndSet(false)) {
                     socket.getOutputStream().write(SWITCHING.getBytes(StandardCharsets.US_ASCII));
                     socket.getOutputStream().flush();
                     socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                     return false;
                 }
                 socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
                 return true;
             });
             // A hard cap of one connection and no queue: while the WebSocket holds it, another request gets 503.
             ProxyServer proxy = ProxyServer.start(capped(ProxyServer.config(backend.port())))) {
            String other = "GET /other HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
            Socket client = upgraded(proxy);
            assertEquals(503, RawClient.status(RawClient.send(proxy.port(), other)));
            client.close();
            assertTrue(backend.next().head().startsWith("GET /chat "));
            // The slot comes back once the relay has closed the backend side; until then 503 is still right.
            int status;
            do {
                status = RawClient.status(RawClient.send(proxy.port(), other));
            } while (status == 503);
            assertEquals(200, status);
            assertTrue(backend.next().head().startsWith("GET /other "));
        }
    }

    private static io.gatehouse.config.ProxyConfig capped(io.gatehouse.config.ProxyConfig config) {
        return new io.gatehouse.config.ProxyConfig(config.backends(), true, java.time.Duration.ofSeconds(2),
                java.time.Duration.ofSeconds(5), 1, 0, config.balance(), config.health(), config.retries(),
                config.idleTimeout(), 1);
    }
}
