package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.Latches;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket whose client connection the gateway closes itself (here: at the drain deadline of a reload that removed
 * its listener) ends at the backend too, at once: the relay is not told of a close it did not read, and without this
 * the backend connection and its pool slot would stay until the backend sent something, or for good.
 */
@Timeout(30)
class WebSocketClosedByTheGatewayTest {

    private static final String SWITCHING = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    private static final String HANDSHAKE = "GET /chat HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    /** Opens when the backend's side of the WebSocket reads end of stream (or a reset). */
    private final CountDownLatch backendSawClose = new CountDownLatch(1);
    private RawBackend backend;
    private Gateway gateway;

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.stop(Duration.ZERO);
        }
        backend.close();
    }

    @Test
    void aReloadThatRemovesTheListenerClosesTheTunnelsBackendConnection() throws Exception {
        // Silent after its 101: only the gateway's close can end this connection (timeouts.read is its default, 60 s).
        backend = RawBackend.with(socket -> {
            RawBackend.answer(socket, SWITCHING);
            try {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException reset) {
                // a reset ends it as well
            }
            backendSawClose.countDown();
            return false;
        });
        int removed = UnusedPort.next();
        gateway = Gateway.start(config(removed));
        try (Socket client = new Socket("127.0.0.1", removed)) {
            client.getOutputStream().write(HANDSHAKE.getBytes(StandardCharsets.ISO_8859_1));
            String head = RawBackend.readHead(client.getInputStream());
            assertTrue(head != null && head.startsWith("HTTP/1.1 101 "), head);

            gateway.reload(config(UnusedPort.next()));

            assertEquals(-1, client.getInputStream().read(), "the reload's drain deadline closed the client's side");
        }
        Latches.await(backendSawClose);
    }

    private GatewayConfig config(int port) throws Exception {
        return GatewayConfig.builder()
                .listen("127.0.0.1:" + port)
                .drainTimeout(Duration.ofMillis(200))
                .vhost(v -> v.hosts("a.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                .build();
    }
}
