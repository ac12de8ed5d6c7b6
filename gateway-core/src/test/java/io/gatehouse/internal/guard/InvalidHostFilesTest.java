package io.gatehouse.internal.guard;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.internal.files.FileServer;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A files vhost whose root holds the host ({@code root: <tmp>/sites/%0/}, lighttpd's {@code /home/%0/public_html/})
 * behind the real gateway. A Host that is not a host name must be answered 400 before the filesystem is consulted.
 * The tree is laid out so that consulting it with such a host would serve a canary: a directory named after each bad
 * host as it would expand, {@code canary.txt} where {@code sites/../} leads, and a {@code fallbackRoot} holding one
 * (where an empty or unusable host falls back). {@link #withoutTheHostRouterTheLayoutWouldServeACanary} shows that
 * the same files action, mounted without the gateway's host router, does serve them.
 */
@Timeout(30)
class InvalidHostFilesTest {

    private static final String[] BAD_HOSTS = {
            "..", "%2e%2e", "a\tb.test", "a\u0001b.test", "good.test:99999", "good.test:0", "good.test:x", "good.test:",
            "good.test:-1", "[::1", "a/b.test", "a\\b.test", "..:80",
    };

    @TempDir
    static Path base;
    private static FilesConfig files;
    private static GuardedGateway gateway;

    @BeforeAll
    static void start() throws IOException, ConfigException {
        Path sites = Files.createDirectories(base.resolve("sites"));
        Files.writeString(base.resolve("canary.txt"), "canary: above the sites directory");
        Path fallback = Files.createDirectories(base.resolve("fallback"));
        Files.writeString(fallback.resolve("canary.txt"), "canary: fallback root");
        Files.writeString(Files.createDirectories(sites.resolve("good.test")).resolve("canary.txt"), "good site");
        for (String host : BAD_HOSTS) {
            if (host.indexOf('/') < 0 && host.indexOf('\\') < 0 && !host.startsWith("..")) {
                Files.writeString(Files.createDirectories(sites.resolve(host)).resolve("canary.txt"),
                        "canary: directory of " + host);
            }
        }
        files = (FilesConfig) GatewayConfig.builder()
                .vhost(v -> v.hosts("*").files(f -> f.root(sites + "/%0/").fallbackRoot(fallback.toString()).index("index.html")))
                .build().vhosts().get(0).action();
        gateway = GuardedGateway.serving(files, GuardedGateway.LIMITS, GuardedGateway.TIMEOUTS);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String get(String host) {
        return "GET /canary.txt HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void validHostIsServedFromItsOwnDirectory() throws Exception {
        RawHttp.Response response = gateway.send(get("GOOD.test."));
        assertEquals(200, response.status());
        assertEquals("good site", response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "..", "%2e%2e", "a\tb.test", "a\u0001b.test", "good.test:99999", "good.test:0", "good.test:x", "good.test:",
            "good.test:-1", "[::1", "a/b.test", "a\\b.test", "..:80",
    })
    void invalidHostIsRefusedBeforeAnyFileIsLookedUp(String host) throws Exception {
        RawHttp.Response response = gateway.send(get(host));
        assertEquals(400, response.status(), response.head());
        assertFalse(response.body().contains("canary"), response.body());
        assertFalse(response.body().contains("good site"), response.body());
    }

    @Test
    void invalidHostInAnAbsoluteTargetIsRefusedToo() throws Exception {
        RawHttp.Response response = gateway.send(
                "GET http://%2e%2e/canary.txt HTTP/1.1\r\nHost: good.test\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status(), response.head());
        assertFalse(response.body().contains("canary"), response.body());
    }

    /**
     * The counter-proof: the same files action in a bare Undertow server (no Gatehouse host router) is consulted
     * for these hosts and serves a canary, so the 400s above come from the check, not from the layout. (Undertow
     * 2.4.4's own parser already refuses the tab, bad ports and the broken IP literal: two layers say 400 for those.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"..", "%2e%2e", "..:80"})
    void withoutTheHostRouterTheLayoutWouldServeACanary(String host) throws Exception {
        Undertow bare = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(FileServer.create(files)).build();
        bare.start();
        try {
            InetSocketAddress address = (InetSocketAddress) bare.getListenerInfo().get(0).getAddress();
            RawHttp.Response response = RawHttp.exchange(address, get(host));
            assertEquals(200, response.status(), response.head());
            assertTrue(response.body().startsWith("canary"), response.body());
        } finally {
            bare.stop();
        }
    }
}
