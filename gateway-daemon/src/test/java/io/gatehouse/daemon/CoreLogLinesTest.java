package io.gatehouse.daemon;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gatehouse's core logs through {@link System.Logger}, which reaches java.util.logging when nothing else is
 * installed: the daemon's operator format still gets its lines, at the levels operators know.
 */
@Timeout(60)
class CoreLogLinesTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @AfterEach
    void restoreDefaultLogging() throws IOException {
        LogManager.getLogManager().readConfiguration();
    }

    @Test
    void aProxied502IsOneWarnLineInTheOperatorFormat() throws Exception {
        OperatorLogging.install(new PrintStream(bytes, true, StandardCharsets.UTF_8), null);
        try (RefusedPort down = RefusedPort.open();
             Gateway gateway = Gateway.start(GatewayConfig.builder()
                     .listen("127.0.0.1:0")
                     .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + down.port())))
                     .build())) {
            RawHttp.Response response = RawHttp.exchange(gateway.addresses().get(0),
                    "GET /y HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
            assertEquals(502, response.status());

            String log = log();
            assertTrue(log.matches("(?s).*\\dZ WARN  GET /y -> http://127\\.0\\.0\\.1:" + down.port()
                    + ": 502, connect failed[^\\n]*\\R.*"), log);
        }
    }

    @Test
    void coreDebugLinesAppearOnlyAtDebug() {
        System.Logger core = System.getLogger("io.gatehouse.internal.routes.RouteChain");

        OperatorLogging.install(new PrintStream(bytes, true, StandardCharsets.UTF_8), "info");
        core.log(System.Logger.Level.DEBUG, "hidden at info");
        core.log(System.Logger.Level.ERROR, "shown at info");
        assertFalse(log().contains("hidden at info"), log());
        assertTrue(log().contains(" ERROR shown at info"), log());

        OperatorLogging.install(new PrintStream(bytes, true, StandardCharsets.UTF_8), "debug");
        core.log(System.Logger.Level.DEBUG, "shown at debug");
        assertTrue(log().contains(" DEBUG shown at debug"), log());
    }

    private String log() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
