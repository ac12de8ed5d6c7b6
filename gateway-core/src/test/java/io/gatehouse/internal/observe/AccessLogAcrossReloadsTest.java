package io.gatehouse.internal.observe;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class AccessLogAcrossReloadsTest {

    @TempDir
    Path dir;


    @Test
    void requestStartedBeforeTwoReloadsIsLoggedToTheFileItsConfigurationWrote() throws Exception {
        Path first = dir.resolve("a.log");
        Path second = dir.resolve("c.log");
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
            arrived.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
            return false;
        })) {
            Gateway gateway = Gateway.start(GatewayConfig.builder()
                    .listen("127.0.0.1:0")
                    .accessLog(a -> a.path(first.toString()).format(AccessLogConfig.Format.COMMON))
                    .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                    .build());
            try (Socket client = new Socket()) {
                client.connect(gateway.addresses().get(0));
                client.getOutputStream().write("GET /held HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertTrue(arrived.await(10, TimeUnit.SECONDS));

                // The same listener and log, then another log: the middle configuration serves nothing and retires
                // at once, while the held request still writes to the first log.
                gateway.reload(GatewayConfig.builder()
                        .listen("127.0.0.1:0")
                        .accessLog(a -> a.path(first.toString()).format(AccessLogConfig.Format.COMMON))
                        .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                        .build());
                gateway.reload(GatewayConfig.builder()
                        .listen("127.0.0.1:0")
                        .accessLog(a -> a.path(second.toString()).format(AccessLogConfig.Format.COMMON))
                        .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                        .build());
                release.countDown();
                assertEquals(200, RawHttp.read(client).status());
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
        List<String> lines = Files.readAllLines(first);
        assertEquals(1, lines.size(), "the held request's line");
        assertTrue(lines.get(0).contains("\"GET /held HTTP/1.1\" 200"), lines.get(0));
    }
}
