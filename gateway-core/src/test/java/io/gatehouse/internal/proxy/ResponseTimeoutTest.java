package io.gatehouse.internal.proxy;

import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code timeouts.response} runs from the end of the request, as nginx's proxy_read_timeout does. */
@Timeout(30)
class ResponseTimeoutTest {

    @Test
    void uploadTakingLongerThanTheResponseTimeoutStillGetsTheBackendsAnswer() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(Configs.proxy(p -> p.backend("http://127.0.0.1:" + backend.port())
                     .connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofMillis(300)).connections(4).queue(16)));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            OutputStream out = client.getOutputStream();
            out.write("POST /up HTTP/1.1\r\nHost: a.test\r\nContent-Length: 10\r\nConnection: close\r\n\r\n12345"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The body's second half comes three response timeouts later, while the backend waits for it.
            Thread.sleep(900);
            out.write("67890".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200 "), response);
            assertEquals("1234567890", new String(backend.next().body(), StandardCharsets.US_ASCII));
        }
    }
}
