package io.gatehouse.internal.files;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.Gateway;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;

import java.io.IOException;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Host that names no site through its labels, an address literal or a name short of a label the evhost
 * pattern uses, gets the fallback root, never the directory that the missing labels would leave behind (the
 * parent of every site). Requests go through a whole gateway, whose host router hands the file server the
 * normalised host ({@code [::1]} keeps its brackets).
 */
@Timeout(30)
class FileServerAddressHostTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void sites() throws IOException {
        write(tmp.resolve("sites/index.html"), "PARENT OF EVERY SITE");
        write(tmp.resolve("sites/com/example/index.html"), "example");
        write(tmp.resolve("fallback/index.html"), "fallback");
    }

    private Gateway serve(String pattern) throws ConfigException {
        return Gateway.start(GatewayConfig.builder().listen("127.0.0.1:0")
                .vhost(v -> v.hosts("*").files(f -> f.root(tmp.resolve("sites") + pattern)
                        .fallbackRoot(tmp.resolve("fallback").toString())))
                .build());
    }

    private static String home(Gateway gateway, String host) throws IOException {
        return RawHttp.exchange(gateway.addresses().get(0),
                "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").bodyText();
    }

    @Test
    void aNameWithEveryLabelGetsItsSite() throws Exception {
        try (Gateway gateway = serve("/%1/%2")) {
            assertEquals("example", home(gateway, "www.example.com"));
        }
    }

    @Test
    void anIpv6LiteralGetsTheFallbackRootForAPatternWithLabelTokens() throws Exception {
        try (Gateway gateway = serve("/%2/%1")) {
            assertEquals("fallback", home(gateway, "[::1]"));
        }
    }

    @Test
    void anIpv4LiteralGetsTheFallbackRoot() throws Exception {
        write(tmp.resolve("sites/127.0.0.1/index.html"), "a directory named like the address");
        try (Gateway gateway = serve("/%_")) {
            assertEquals("fallback", home(gateway, "127.0.0.1"));
        }
    }

    @Test
    void anIpv6LiteralGetsTheFallbackRootForAWholeHostPattern() throws Exception {
        write(tmp.resolve("sites/[::1]/index.html"), "a directory named like the address");
        try (Gateway gateway = serve("/%_")) {
            assertEquals("fallback", home(gateway, "[::1]"));
        }
    }

    @Test
    void aNameShortOfALabelThePatternUsesGetsTheFallbackRoot() throws Exception {
        try (Gateway gateway = serve("/%2")) {
            assertEquals("fallback", home(gateway, "localhost"));
        }
    }
}
