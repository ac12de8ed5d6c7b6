package io.gatehouse;

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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * wss://: a WebSocket over HTTP/1.1 on a TLS listener, through the proxy to a plain backend. After {@code 101} the
 * decrypted bytes pass untouched both ways, even bytes the framing guard would refuse as HTTP, and the client's close
 * reaches the backend as the end of its stream.
 */
@Timeout(60)
class WebSocketOverTlsTest {

    private static final String HANDSHAKE = "GET /chat HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    private static final String SWITCHING = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    /** An unmasked server text frame "hello". */
    private static final byte[] SERVER_FRAME = {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'};
    /** A masked client text frame "hi", then bytes that would be refused as HTTP (bare LF, CL with TE). */
    private static final byte[] CLIENT_BYTES = ("\u0081\u0082\u0001\u0002\u0003\u0004" + (char) ('h' ^ 1) + (char) ('i' ^ 2)
            + "GET / HTTP/1.1\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    @Test
    void framesFlowBothWaysOverTlsAndTheClientsCloseReachesTheBackend() throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test").write();
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
                     .vhost(v -> v.hosts("a.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                     .build())) {
            try (SSLSocket client = TlsClient.connect(ca.clientContext(), gateway.addresses().get(0), "a.test", "http/1.1")) {
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
