package io.gatehouse.internal.guard;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import static io.gatehouse.internal.guard.WebSocketThroughGatewayTest.CLIENT_BYTES;
import static io.gatehouse.internal.guard.WebSocketThroughGatewayTest.HANDSHAKE;
import static io.gatehouse.internal.guard.WebSocketThroughGatewayTest.SERVER_FRAME;
import static io.gatehouse.internal.guard.WebSocketThroughGatewayTest.SWITCHING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * wss://: a WebSocket over HTTP/1.1 on a TLS listener, through the proxy to a plain backend. After {@code 101} the
 * decrypted bytes pass untouched both ways, even bytes the framing guard would refuse as HTTP, and the client's close
 * reaches the backend as the end of its stream. The bytes are {@link WebSocketThroughGatewayTest}'s.
 */
@Timeout(60)
class WebSocketOverTlsTest {

    @TempDir
    Path dir;

    @Test
    void framesFlowBothWaysOverTlsAndTheClientsCloseReachesTheBackend() throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a").write();
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
             Gateway gateway = Gateway.start(GatewayConfig.builder().listen("127.0.0.1:" + UnusedPort.next() + " tls")
                     .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                     .vhost(v -> v.hosts("a").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                     .build())) {
            try (SSLSocket client = TlsClient.connect(ca.clientContext(), gateway.addresses().get(0), "a", "http/1.1")) {
                TlsClient.write(client, HANDSHAKE);
                String head = RawBackend.readHead(client.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 101 "), head);
                assertArrayEquals(SERVER_FRAME, client.getInputStream().readNBytes(SERVER_FRAME.length));
                client.getOutputStream().write(CLIENT_BYTES);
                client.getOutputStream().flush();
            }
            assertArrayEquals(CLIENT_BYTES, backendRead.get(20, TimeUnit.SECONDS));
            String forwarded = backend.next().head();
            assertTrue(forwarded.startsWith("GET /chat HTTP/1.1\r\n"), forwarded);
            assertTrue(forwarded.contains("\r\nUpgrade: websocket\r\n"), forwarded);
            assertTrue(forwarded.contains("\r\nX-Forwarded-Proto: https\r\n"), forwarded);
        }
    }
}
