package io.gatehouse.proxy;

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
}
