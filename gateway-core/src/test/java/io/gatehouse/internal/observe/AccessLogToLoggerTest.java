package io.gatehouse.internal.observe;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code accessLog.path: logger} writes each line as one INFO record of the logger {@code gatehouse.access}, and
 * {@code logger:NAME} of the logger NAME; java.util.logging receives them here, as nothing else is installed.
 */
@Timeout(30)
class AccessLogToLoggerTest {

    @Test
    void loggerWritesEachLineAsAnInfoRecordOfGatehouseAccess() throws IOException {
        List<LogRecord> records = recordsOf("gatehouse.access", "logger");

        assertEquals(1, records.size(), records.toString());
        assertEquals(Level.INFO, records.get(0).getLevel());
        assertTrue(records.get(0).getMessage().matches(
                "127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /page\\?q=1 HTTP/1\\.1\" 200 \\d+ \"-\" \"-\""),
                records.get(0).getMessage());
    }

    @Test
    void loggerColonNameWritesToThatLogger() throws IOException {
        List<LogRecord> records = recordsOf("app.access", "logger:app.access");

        assertEquals(1, records.size(), records.toString());
        assertTrue(records.get(0).getMessage().contains("\"GET /page?q=1 HTTP/1.1\" 200 "), records.get(0).getMessage());
    }

    /** The records {@code logger} received for one request, once the gateway stopped (which writes out its log). */
    private static List<LogRecord> recordsOf(String logger, String path) throws IOException {
        try (LogCapture capture = LogCapture.on(logger)) {
            try (Gateway gateway = Gateway.start(gateway(List.of(new ListenAddress("127.0.0.1", 0)),
                    new AccessLogConfig(path, Format.COMBINED), echo("site", "a.test")))) {
                RawHttp.Response response = RawHttp.exchange(gateway.addresses().get(0),
                        "GET /page?q=1 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
                assertEquals(200, response.status());
            }
            return List.copyOf(capture.records());
        }
    }
}
