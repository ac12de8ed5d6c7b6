package io.gatehouse.internal.observe;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.config.Cidr;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.Timeouts;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class AccessLogTest {

    /** Apache's %t, the one field that differs between runs. */
    private static final Pattern APACHE_TIME = Pattern.compile("\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}]");

    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("logs/access.log");
    }

    private List<String> logLinesOf(Format format, String... requests) throws IOException {
        return logLinesOf(gateway(List.of(new ListenAddress("127.0.0.1", 0)), new AccessLogConfig(log().toString(), format),
                echo("site", "a.test")), requests);
    }

    private List<String> logLinesOf(GatewayConfig config, String... requests) throws IOException {
        try (Gateway gateway = Gateway.start(config)) {
            for (String request : requests) {
                RawHttp.exchange(gateway.addresses().get(0), request);
            }
        }
        return Files.readAllLines(log());
    }

    /** The line with its %t replaced by [TIME], so the rest can be compared byte for byte. */
    private static String withoutTime(String line) {
        Matcher time = APACHE_TIME.matcher(line);
        assertTrue(time.find(), line);
        return time.replaceFirst("[TIME]");
    }

    private GatewayConfig proxiedTo(int backendPort, Format format, String trusted) {
        ProxyConfig proxy = Configs.proxy(p -> p.backend("http://127.0.0.1:" + backendPort)
                .connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5)).connections(4).queue(16));
        return Configs.gateway(List.of(new ListenAddress("127.0.0.1", 0)), trusted == null ? ForwardedConfig.DEFAULTS
                        : new ForwardedConfig(List.of(Cidr.parse(trusted))), Timeouts.DEFAULTS, Limits.DEFAULTS,
                new AccessLogConfig(log().toString(), format), Configs.vhost("app", List.of("app.test"), List.of(), proxy));
    }

    @Test
    void combinedLineIsApachesByteForByte() throws IOException {
        List<String> lines = logLinesOf(Format.COMBINED, "GET /p?q=1 HTTP/1.1\r\nHost: a.test\r\nReferer: http://r.test/\r\n"
                + "User-Agent: tester/1.0\r\nConnection: close\r\n\r\n");
        assertEquals(1, lines.size());
        String line = withoutTime(lines.get(0));
        Matcher bytes = Pattern.compile(" 200 (\\d+) ").matcher(line);
        assertTrue(bytes.find(), line);
        assertEquals("127.0.0.1 - - [TIME] \"GET /p?q=1 HTTP/1.1\" 200 " + bytes.group(1) + " \"http://r.test/\" \"tester/1.0\"", line);
    }

    @Test
    void combinedLineHasQuotedDashesForMissingRefererAndUserAgent() throws IOException {
        String line = logLinesOf(Format.COMBINED, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n").get(0);
        assertTrue(line.endsWith(" \"-\" \"-\""), line);
    }

    @Test
    void requestRefusedByTheFrontDoorIsLoggedWithItsStatusAndNothingItClaimed() throws IOException {
        // obs-fold: refused before it is parsed, so neither its line nor its headers are the client's to log.
        String line = withoutTime(logLinesOf(Format.COMBINED,
                "GET /secret HTTP/1.1\r\nHost: a.test\r\nUser-Agent: x\r\n folded\r\nConnection: close\r\n\r\n").get(0));
        assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[TIME] \"-\" 400 \\d+ \"-\" \"-\""), line);
    }

    @Test
    void commonLineEndsAfterTheByteCount() throws IOException {
        String line = withoutTime(logLinesOf(Format.COMMON, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n").get(0));
        assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[TIME] \"GET / HTTP/1\\.1\" 200 \\d+"), line);
    }

    @Test
    void responseWithoutBodyIsLoggedWithADashForBytes() throws IOException {
        String line = logLinesOf(Format.COMMON, "HEAD / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n").get(0);
        assertTrue(line.endsWith("\"HEAD / HTTP/1.1\" 200 -"), line);
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
    void controlAndNonAsciiCharactersAreEscapedAsApacheDoes() {
        StringBuilder line = new StringBuilder();
        AccessLogFormat.appendEscaped(line, "a\tb\\c\u0001d\u00e9e\u20acf\n");
        assertEquals("a\\tb\\\\c\\x01d\\xe9e\\xe2\\x82\\xacf\\n", line.toString());
    }

    @Test
    void repeatedHeaderLinesAreJoinedWithCommaAsApacheMergesThem() throws IOException {
        String line = logLinesOf(Format.COMBINED, "GET / HTTP/1.1\r\nHost: a.test\r\nUser-Agent: one\r\nUser-Agent: two\r\n"
                + "Connection: close\r\n\r\n").get(0);
        assertTrue(line.endsWith("\"-\" \"one, two\""), line);
    }

    @Test
    void headersAreLoggedAsTheClientSentThemEvenWhenTheProxyStripsThem() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK)) {
            // "Connection: User-Agent" makes User-Agent hop-by-hop: the proxy removes it before forwarding.
            String line = logLinesOf(proxiedTo(backend.port(), Format.COMBINED, null),
                    "GET /x HTTP/1.1\r\nHost: app.test\r\nUser-Agent: kept/1\r\nConnection: close, User-Agent\r\n\r\n").get(0);
            assertTrue(backend.next().head().toLowerCase().indexOf("user-agent") < 0, "the proxy forwarded User-Agent");
            assertTrue(line.endsWith("\"GET /x HTTP/1.1\" 200 2 \"-\" \"kept/1\""), line);
        }
    }

    @Test
    void jsonLineOfAProxiedRequestHasEveryField() throws Exception {
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nnew")) {
            // From a trusted peer, so its X-Request-Id is kept rather than replaced.
            String line = logLinesOf(proxiedTo(backend.port(), Format.JSON, "127.0.0.1/32"),
                    "POST /items?x=1&y=%22 HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nX-Request-Id: req-42\r\n"
                            + "User-Agent: ua/2\r\nReferer: http://r.test/\r\nConnection: close\r\n\r\nhello").get(0);
            String json = line.replaceFirst("\"time\":\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\"", "\"time\":T")
                    .replaceFirst("\"duration_ms\":\\d+\\.\\d{3}", "\"duration_ms\":D")
                    .replaceFirst("\"upstream_time_ms\":\\d+\\.\\d{3}", "\"upstream_time_ms\":U");
            assertEquals("{\"time\":T,\"client_ip\":\"127.0.0.1\",\"peer_ip\":\"127.0.0.1\",\"method\":\"POST\","
                    + "\"host\":\"app.test\",\"path\":\"/items\",\"query\":\"x=1&y=%22\",\"status\":201,\"bytes_in\":5,"
                    + "\"bytes_out\":3,\"duration_ms\":D,\"vhost\":\"app\",\"route\":\"any request\","
                    + "\"backend\":\"http://127.0.0.1:" + backend.port() + "\",\"upstream_status\":201,\"upstream_time_ms\":U,"
                    + "\"request_id\":\"req-42\",\"user_agent\":\"ua/2\",\"referer\":\"http://r.test/\","
                    + "\"protocol\":\"HTTP/1.1\",\"tls_version\":null}", json);
        }
    }

    @Test
    void jsonLineOfALocalRequestHasNullUpstreamFields() throws IOException {
        String line = logLinesOf(Format.JSON, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n").get(0);
        assertTrue(line.contains("\"query\":null,\"status\":200,\"bytes_in\":0,"), line);
        assertTrue(line.contains("\"vhost\":\"site\",\"route\":\"any request\",\"backend\":null,\"upstream_status\":null,"
                + "\"upstream_time_ms\":null,"), line);
        assertTrue(line.matches(".*\"request_id\":\"[0-9a-f]{32}\",\"user_agent\":null,\"referer\":null,"
                + "\"protocol\":\"HTTP/1.1\",\"tls_version\":null}"), line);
    }

    @Test
    void jsonLineOfAFailedProxyRequestHasTheBackendButNoUpstreamStatus() throws Exception {
        try (RefusedPort refused = RefusedPort.open()) {
            String line = logLinesOf(proxiedTo(refused.port(), Format.JSON, null),
                    "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").get(0);
            assertTrue(line.contains("\"status\":502,"), line);
            assertTrue(line.contains("\"backend\":\"http://127.0.0.1:" + refused.port()
                    + "\",\"upstream_status\":null,\"upstream_time_ms\":"), line);
        }
    }

    /**
     * Through a trusted proxy the log names whom {@link io.gatehouse.internal.forwarded.ClientAddress} resolves. In this branch
     * ClientAddress is still the TCP peer (the X-Forwarded-For walk is built in parallel); when it lands, %h and
     * client_ip become 203.0.113.7 and peer_ip stays 127.0.0.1, and this test's expectation changes with it.
     */
    @Test
    void clientThroughATrustedProxyIsLoggedWithTheProxyAsPeer() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK)) {
            String line = logLinesOf(proxiedTo(backend.port(), Format.JSON, "127.0.0.1/32"),
                    "GET / HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n").get(0);
            assertTrue(line.contains("\"client_ip\":\"203.0.113.7\",\"peer_ip\":\"127.0.0.1\","), line);
        }
    }
}
