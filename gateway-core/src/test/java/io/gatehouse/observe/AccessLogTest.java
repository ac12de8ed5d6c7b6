package io.gatehouse.observe;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessLogTest {

    @TempDir
    Path dir;

    private List<String> logLinesOf(Format format, String request) throws IOException {
        Path log = dir.resolve("logs/access.log");
        try (Gateway gateway = Gateway.start(gateway(List.of(new ListenAddress("127.0.0.1", 0)),
                new AccessLogConfig(log.toString(), format), echo("site", "a.test")))) {
            RawHttp.exchange(gateway.addresses().get(0), request);
        }
        return Files.readAllLines(log);
    }

    @Test
    void combinedFormatIsApachesLineWithRefererAndUserAgent() throws IOException {
        List<String> lines = logLinesOf(Format.COMBINED, "GET /p?q=1 HTTP/1.1\r\nHost: a.test\r\nReferer: http://r.test/\r\n"
                + "User-Agent: tester/1.0\r\nConnection: close\r\n\r\n");
        assertEquals(1, lines.size());
        String line = lines.get(0);
        assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}] "
                + "\"GET /p\\?q=1 HTTP/1\\.1\" 200 \\d+ \"http://r\\.test/\" \"tester/1\\.0\""), line);
    }

    @Test
    void commonFormatEndsAfterTheByteCount() throws IOException {
        String line = logLinesOf(Format.COMMON, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n").get(0);
        assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET / HTTP/1\\.1\" 200 \\d+"), line);
    }

    @Test
    void requestThatNoVhostTookIsLoggedToo() throws IOException {
        String line = logLinesOf(Format.COMMON, "GET / HTTP/1.1\r\nHost: nobody.test\r\nConnection: close\r\n\r\n").get(0);
        assertTrue(line.contains("\"GET / HTTP/1.1\" 404 "), line);
    }

    @Test
    void quotesInLoggedHeadersAreEscapedSoALineCannotBeForged() throws IOException {
        String line = logLinesOf(Format.COMBINED, "GET / HTTP/1.1\r\nHost: a.test\r\nUser-Agent: x\" 200 1 \"forged\r\n"
                + "Connection: close\r\n\r\n").get(0);
        assertTrue(line.endsWith("\"x\\\" 200 1 \\\"forged\""), line);
    }

    @Test
    void jsonFormatIsOneObjectPerLineWithTheVhost() throws IOException {
        String line = logLinesOf(Format.JSON, "GET /p?q=1 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n").get(0);
        assertTrue(line.startsWith("{\"time\":\""), line);
        assertTrue(line.contains("\"client_ip\":\"127.0.0.1\""), line);
        assertTrue(line.contains("\"path\":\"/p\",\"query\":\"q=1\",\"status\":200"), line);
        assertTrue(line.contains("\"vhost\":\"site\""), line);
        assertTrue(line.endsWith("}"), line);
    }
}
