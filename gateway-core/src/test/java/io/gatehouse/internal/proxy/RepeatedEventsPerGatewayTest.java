package io.gatehouse.internal.proxy;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayHandler;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import io.undertow.Undertow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each gateway summarises its own repeated failures, at its own {@code log.repeatInterval}: of two in one JVM, the
 * one started last does not set the other's interval, and stopping one writes its own summaries only. A reload sets
 * the interval of the gateway it reloads; a mounted gateway writes its summaries when it is closed.
 */
@Timeout(60)
class RepeatedEventsPerGatewayTest {

    private static final int FAILURES = 3;

    private LogCapture logged;
    private RefusedPort downA;
    private RefusedPort downB;

    @BeforeEach
    void refusedBackends() throws IOException {
        logged = LogCapture.on(ProxyLog.LOG.getName());
        downA = RefusedPort.open();
        downB = RefusedPort.open();
    }

    @AfterEach
    void release() throws IOException {
        logged.close();
        downA.close();
        downB.close();
    }

    @Test
    void eachGatewaySummarisesItsFailuresAtItsOwnInterval() throws IOException, ConfigException {
        try (Gateway everyOne = Gateway.start(proxyingTo(downA, Duration.ZERO));
             Gateway summarised = Gateway.start(proxyingTo(downB, Duration.ofHours(1)))) {
            fail(everyOne);
            fail(summarised);

            assertEquals(FAILURES, linesAbout(downA).size(), "interval 0 logs every failure: " + linesAbout(downA));
            assertEquals(1, linesAbout(downB).size(), "1 h logs the first failure: " + linesAbout(downB));

            summarised.stop(Duration.ofSeconds(5));
            List<String> b = linesAbout(downB);
            assertEquals(2, b.size(), b.toString());
            assertTrue(b.get(1).contains(": repeated " + (FAILURES - 1) + " times in the last "), b.get(1));
        }
    }

    @Test
    void stoppingAGatewayWritesItsOwnSummariesOnly() throws IOException, ConfigException {
        try (Gateway stopping = Gateway.start(proxyingTo(downA, Duration.ofHours(1)));
             Gateway running = Gateway.start(proxyingTo(downB, Duration.ofHours(1)))) {
            fail(stopping);
            fail(running);

            stopping.stop(Duration.ofSeconds(5));
            assertEquals(2, linesAbout(downA).size(), "the stopped gateway's summary: " + linesAbout(downA));
            assertEquals(1, linesAbout(downB).size(), "the running one still counts: " + linesAbout(downB));

            running.stop(Duration.ofSeconds(5));
            assertTrue(linesAbout(downB).get(1).contains(": repeated " + (FAILURES - 1) + " times in the last "),
                    linesAbout(downB).toString());
        }
    }

    @Test
    void aReloadSetsTheGatewaysIntervalFromThen() throws IOException, ConfigException {
        try (Gateway gateway = Gateway.start(proxyingTo(downA, Duration.ofHours(1)))) {
            fail(gateway);
            assertEquals(1, linesAbout(downA).size(), linesAbout(downA).toString());

            gateway.reload(proxyingTo(downA, Duration.ZERO));
            fail(gateway);
            // Without the summary of the repeats before the reload, which the timer may write at any time now.
            List<String> failures = linesAbout(downA).stream().filter(line -> line.startsWith("GET ")).toList();
            assertEquals(1 + FAILURES, failures.size(), "every failure after the reload: " + failures);
            for (int i = 0; i < FAILURES; i++) {
                assertTrue(failures.get(1 + i).startsWith("GET /down/" + i + " -> "), failures.get(1 + i));
            }
        }
    }

    @Test
    void aMountedGatewayWritesItsSummariesWhenClosed() throws IOException, ConfigException {
        try (GatewayHandler mounted = Gateway.handler(proxyingTo(downA, Duration.ofHours(1)))) {
            Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(mounted).build();
            server.start();
            try {
                fail((InetSocketAddress) server.getListenerInfo().get(0).getAddress());
            } finally {
                server.stop();
            }
            assertEquals(1, linesAbout(downA).size(), linesAbout(downA).toString());
        }
        List<String> lines = linesAbout(downA);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).contains(": repeated " + (FAILURES - 1) + " times in the last "), lines.get(1));
    }

    private static GatewayConfig proxyingTo(RefusedPort down, Duration repeatInterval) throws ConfigException {
        return GatewayConfig.builder()
                .listen("127.0.0.1:0")
                .logRepeatInterval(repeatInterval)
                .vhost(v -> v.hosts("app.test").proxy(p -> p.backend(backend(down))))
                .build();
    }

    /** Sends {@link #FAILURES} requests that the refused backend fails with 502. */
    private static void fail(Gateway gateway) throws IOException {
        fail(gateway.addresses().get(0));
    }

    private static void fail(InetSocketAddress address) throws IOException {
        for (int i = 0; i < FAILURES; i++) {
            RawHttp.Response response = RawHttp.exchange(address,
                    "GET /down/" + i + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
            assertEquals(502, response.status());
        }
    }

    private List<String> linesAbout(RefusedPort down) {
        return logged.messages().stream().filter(line -> line.contains(backend(down) + ": ")).toList();
    }

    private static String backend(RefusedPort down) {
        return "http://127.0.0.1:" + down.port();
    }
}
