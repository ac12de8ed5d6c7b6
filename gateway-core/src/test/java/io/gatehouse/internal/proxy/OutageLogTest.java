package io.gatehouse.internal.proxy;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.GatewayMeters;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RefusedPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An outage under load writes a few log lines, not one per request: the first failure, then a summary with the
 * count. The access log and the metrics still count every request.
 */
@Timeout(300)
class OutageLogTest {

    private static final int REQUESTS = 100_000;
    /** Requests written at once on a connection before their answers are read. */
    private static final int PIPELINED = 500;

    private LogCapture logged;

    @BeforeEach
    void captureLog() {
        logged = LogCapture.on(ProxyLog.LOG.getName());
    }

    @AfterEach
    void releaseLog() {
        logged.close();
    }

    @Test
    void aHundredThousandRefusedRequestsWriteABoundedNumberOfLinesAndAreAllCounted(@TempDir Path dir) throws Exception {
        Path accessLog = dir.resolve("access.log");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int downPort;
        try (RefusedPort down = RefusedPort.open()) {
            downPort = down.port();
            GatewayConfig config = GatewayConfig.builder()
                    .listen("127.0.0.1:0")
                    .accessLog(a -> a.path(accessLog.toString()).format(AccessLogConfig.Format.COMMON))
                    // Longer than the test: every line after the first is a repeat, summarised when the gateway stops.
                    .logRepeatInterval(Duration.ofHours(1))
                    .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + down.port())))
                    .build();
            Gateway gateway = Gateway.start(config, registry);
            try {
                InetSocketAddress address = gateway.addresses().get(0);
                try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                    byte[] batch = "GET /down HTTP/1.1\r\nHost: app.test\r\n\r\n".repeat(PIPELINED).getBytes(StandardCharsets.US_ASCII);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    for (int sent = 0; sent < REQUESTS; sent += PIPELINED) {
                        out.write(batch);
                        out.flush();
                        for (int i = 0; i < PIPELINED; i++) {
                            assertEquals(502, readStatusAndBody(in), "request " + (sent + i));
                        }
                    }
                }
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
        // This outage's lines: the logger is the JVM's, shared with any other proxy still running.
        String target = "http://127.0.0.1:" + downPort;
        List<String> lines = logged.messages().stream().filter(line -> line.contains(target)).toList();
        assertTrue(lines.size() <= 3, "one failure, its summary and nothing else, got " + lines.size() + ": "
                + lines.subList(0, Math.min(5, lines.size())));
        assertTrue(lines.get(0).startsWith("GET /down -> http://127.0.0.1:" + downPort + ": 502, connect failed"), lines.get(0));
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("http://127.0.0.1:" + downPort + ": 502, connect failed")
                && line.contains(": repeated 99,999 times in the last ")), "the summary counts every repeat: " + lines);
        assertEquals(REQUESTS, registry.get(GatewayMeters.REQUESTS).tag("status", "5xx").timer().count());
        assertEquals(REQUESTS, registry.get(GatewayMeters.UPSTREAM_REQUESTS).tag("outcome", "CONNECT_ERROR").timer().count());
        try (Stream<String> written = Files.lines(accessLog)) {
            assertEquals(REQUESTS, written.filter(line -> line.contains("\"GET /down HTTP/1.1\" 502 ")).count());
        }
    }

    /** Reads one response with a Content-Length body; its status. */
    private static int readStatusAndBody(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
            last4 = last4 << 8 | b;
        }
        String text = head.toString();
        int at = text.toLowerCase(java.util.Locale.ROOT).indexOf("\r\ncontent-length: ");
        int end = text.indexOf("\r\n", at + 2);
        int length = Integer.parseInt(text.substring(at + 18, end).trim());
        in.readNBytes(length);
        return Integer.parseInt(text.substring(9, 12));
    }
}
