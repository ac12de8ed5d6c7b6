package io.gatehouse;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.internal.observe.AccessLog;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application's access-log sink ({@link GatewayOptions.Builder#accessLogSink}) takes every line instead of the
 * configured destination; a sink that throws loses that line only, counted as dropped and reported as a repeated
 * warning. Mounted as {@link Gateway#handler} mounts a gateway, with the sink handed in where the options hand it.
 */
@Timeout(30)
class AccessLogSinkTest {

    private static final String REQUEST = "GET /a HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n";

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void theSinkTakesEveryLineInsteadOfTheConfiguredFile() throws IOException {
        Path file = dir.resolve("access.log");
        List<String> lines = new CopyOnWriteArrayList<>();

        serve(new AccessLogConfig(file.toString(), Format.COMBINED), lines::add, 2);

        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /a HTTP/1\\.1\" 200 \\d+ \"-\" \"-\""),
                lines.get(0));
        assertFalse(Files.exists(file), "the configured file is never opened");
    }

    @Test
    void theSinkGetsTheLinesInTheConfiguredFormatEvenWhenThePathIsOff() throws IOException {
        List<String> lines = new CopyOnWriteArrayList<>();

        serve(new AccessLogConfig(AccessLogConfig.OFF, Format.JSON), lines::add, 1);

        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("{") && lines.get(0).contains("\"status\":200"), lines.get(0));
    }

    @Test
    void aLineTheSinkThrowsOnIsDroppedCountedAndWarnedOnceWhileTheNextOnesArrive() throws IOException {
        List<String> lines = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Consumer<String> failingFirst = line -> {
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("appender not started");
            }
            lines.add(line);
        };

        List<String> warnings = warningsWhile(() -> serve(AccessLogConfig.DEFAULTS, failingFirst, 3));

        assertEquals(2, lines.size(), lines.toString());
        assertEquals(1.0, registry.get(GatewayMeters.ACCESS_LOG_DROPPED).counter().count());
        assertEquals(List.of("access log (appender not started): the access-log sink threw "
                + "java.lang.IllegalStateException, line dropped"), warnings);
    }

    @Test
    void aSinkThatKeepsThrowingIsWarnedOnceAndSummarisedWithItsCount() throws IOException {
        Consumer<String> broken = line -> {
            throw new IllegalStateException("closed");
        };

        List<String> warnings = warningsWhile(() -> serve(AccessLogConfig.DEFAULTS, broken, 4));

        assertEquals(4.0, registry.get(GatewayMeters.ACCESS_LOG_DROPPED).counter().count());
        assertEquals(2, warnings.size(), warnings.toString());
        assertEquals("access log (closed): the access-log sink threw java.lang.IllegalStateException, line dropped",
                warnings.get(0));
        assertTrue(warnings.get(1).startsWith("the access-log sink threw java.lang.IllegalStateException, line dropped: "
                + "repeated 3 times in the last "), warnings.get(1));
    }

    /**
     * Serves {@code requests} requests through a mounted gateway whose access-log lines go to {@code sink}, then
     * closes it, which writes out every queued line and the pending summaries.
     */
    private void serve(AccessLogConfig accessLog, Consumer<String> sink, int requests) throws IOException {
        GatewayConfig config = gateway(List.of(new ListenAddress("127.0.0.1", 0)), accessLog, echo("site", "a.test"));
        GatewayOptions options = GatewayOptions.builder().meterRegistry(registry).accessLogSink(sink).build();
        try (GatewayHandler mounted = Gateway.handler(config, options)) {
            Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(mounted).build();
            server.start();
            try {
                InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
                for (int i = 0; i < requests; i++) {
                    assertEquals(200, RawHttp.exchange(address, REQUEST).status());
                }
            } finally {
                server.stop();
            }
        }
    }

    private interface Served {
        void run() throws IOException;
    }

    private static List<String> warningsWhile(Served served) throws IOException {
        try (LogCapture capture = LogCapture.on(AccessLog.class.getPackageName() + ".AccessLogWriter")) {
            served.run();
            return List.copyOf(capture.messages());
        }
    }
}
