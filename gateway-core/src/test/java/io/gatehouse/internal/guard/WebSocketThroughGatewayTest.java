package io.gatehouse.internal.guard;

import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSocket through the real gateway, whose listener reads every connection through the framing conduit: after
 * {@code 101} the conduit must pass bytes through untouched in both directions (even bytes that would be a malformed
 * HTTP request), and a close on either side must reach the other as the end of the stream.
 */
@Timeout(30)
class WebSocketThroughGatewayTest {

    static final String HANDSHAKE = "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    static final String SWITCHING = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    /** An unmasked server text frame "hello". */
    static final byte[] SERVER_FRAME = {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'};
    /** A masked client text frame "hi", then bytes that would be refused as HTTP (bare LF, NUL, CL with TE). */
    static final byte[] CLIENT_BYTES = concat(new byte[]{(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2},
            "GET / HTTP/1.1\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    /** A masked client close frame (status 1000). */
    private static final byte[] CLIENT_CLOSE = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8};

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static Socket upgraded(GuardedGateway gateway) throws Exception {
        Socket client = gateway.open(HANDSHAKE);
        String head = RawBackend.readHead(client.getInputStream());
        assertTrue(head != null && head.startsWith("HTTP/1.1 101 "), head);
        assertTrue(head.toLowerCase().contains("\r\nupgrade: websocket\r\n"), head);
        assertTrue(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
        return client;
    }

    @Test
    void framesFlowBothWaysUntouchedAndTheClientsCloseReachesTheBackend() throws Exception {
        CompletableFuture<byte[]> backendRead = new CompletableFuture<>();
        try (RawBackend backend = RawBackend.with(socket -> {
                 socket.getOutputStream().write(SWITCHING.getBytes(StandardCharsets.ISO_8859_1));
                 socket.getOutputStream().write(SERVER_FRAME);
                 socket.getOutputStream().flush();
                 socket.setSoTimeout(15_000);
                 // Everything to the end of the stream: a timeout here means the client's close never arrived.
                 backendRead.complete(socket.getInputStream().readAllBytes());
                 return false;
             });
             GuardedGateway gateway = GuardedGateway.proxyingTo(backend.port())) {
            Socket client = upgraded(gateway);
            assertArrayEquals(SERVER_FRAME, client.getInputStream().readNBytes(SERVER_FRAME.length));
            client.getOutputStream().write(CLIENT_BYTES);
            client.getOutputStream().write(CLIENT_CLOSE);
            client.getOutputStream().flush();
            client.close();

            assertArrayEquals(concat(CLIENT_BYTES, CLIENT_CLOSE), backendRead.get(20, TimeUnit.SECONDS));
            String forwarded = backend.next().head();
            assertTrue(forwarded.startsWith("GET /chat HTTP/1.1\r\n"), forwarded);
            assertTrue(forwarded.contains("\r\nUpgrade: websocket\r\n"), forwarded);
            assertTrue(forwarded.contains("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), forwarded);
        }
    }

    @Test
    void backendsCloseReachesTheClientAfterItsLastFrame() throws Exception {
        CountDownLatch clientFrameSeen = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
                 socket.getOutputStream().write(SWITCHING.getBytes(StandardCharsets.ISO_8859_1));
                 socket.getOutputStream().flush();
                 socket.getInputStream().readNBytes(CLIENT_BYTES.length);
                 clientFrameSeen.countDown();
                 socket.getOutputStream().write(SERVER_FRAME);
                 socket.getOutputStream().flush();
                 return false; // closes the socket
             });
             GuardedGateway gateway = GuardedGateway.proxyingTo(backend.port());
             Socket client = upgraded(gateway)) {
            client.getOutputStream().write(CLIENT_BYTES);
            client.getOutputStream().flush();
            assertTrue(clientFrameSeen.await(15, TimeUnit.SECONDS), "the client's frame never reached the backend");
            // readAllBytes returns only at the end of the stream; the socket's timeout fails the test otherwise.
            InputStream in = client.getInputStream();
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            in.transferTo(rest);
            assertArrayEquals(SERVER_FRAME, rest.toByteArray());
            assertEquals(1, backend.connectionsAccepted());
        }
    }
}
