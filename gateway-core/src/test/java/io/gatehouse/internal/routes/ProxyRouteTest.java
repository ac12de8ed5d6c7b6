package io.gatehouse.internal.routes;

import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What target a proxy route sends to its backend: unchanged, stripped of its prefix, or from a path template. */
@Timeout(30)
class ProxyRouteTest {

    @TempDir
    Path dir;

    private RoutedGateway gateway(String route, RawBackend backend) throws Exception {
        return RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - %s
                """.formatted(route.replace("BACKEND", "http://127.0.0.1:" + backend.port())));
    }

    private static String requestLine(RawBackend backend) throws InterruptedException {
        String head = backend.next().head();
        return head.substring(0, head.indexOf("\r\n"));
    }

    @Test
    void withoutPathOptionsTheRawTargetGoesUnchanged() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = gateway("{ path: /api/, proxy: { backends: [BACKEND] } }", backend)) {
            assertEquals(200, gateway.get("/api/a%3Bb//c?x=%2F").status());
            assertEquals("GET /api/a%3Bb//c?x=%2F HTTP/1.1", requestLine(backend));
        }
    }

    @Test
    void stripPrefixRemovesTheRoutePrefixAndKeepsTheQuery() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = gateway("{ path: /api/, proxy: { backends: [BACKEND], stripPrefix: true } }", backend)) {
            gateway.get("/api/users/caf%C3%A9?page=2");
            assertEquals("GET /users/caf%C3%A9?page=2 HTTP/1.1", requestLine(backend));
        }
    }

    @Test
    void stripPrefixOfTheWholePathLeavesTheRoot() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = gateway("{ path: /api, proxy: { backends: [BACKEND], stripPrefix: true } }", backend)) {
            gateway.get("/api");
            assertEquals("GET / HTTP/1.1", requestLine(backend));
        }
    }

    @Test
    void theSeedsRewriteRuleForwardsTheCapturedPathAndTheQuery() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = gateway("{ match: '^/(.*)$', proxy: { backends: [BACKEND], path: '/$1' } }", backend)) {
            gateway.get("/wiki/Main%20Page?action=edit");
            assertEquals("GET /wiki/Main%20Page?action=edit HTTP/1.1", requestLine(backend));
        }
    }

    @Test
    void pathTemplateWithItsOwnQueryAndTheRequestQuery() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = gateway("{ match: '^/item/(\\d+)$', proxy: { backends: [BACKEND], path: '/v2/items?id=$1&%{QUERY}' } }",
                     backend)) {
            gateway.get("/item/42?fields=name");
            assertEquals("GET /v2/items?id=42&fields=name HTTP/1.1", requestLine(backend));
        }
    }

    @Test
    void hostOfTheClientReachesTheBackendOfARoute() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = gateway("{ match: '^/(.*)$', proxy: { backends: [BACKEND], path: '/$1' } }", backend)) {
            gateway.get("/x");
            String head = backend.next().head();
            assertEquals(true, head.contains("\r\nHost: example.com\r\n"), head);
        }
    }

    @Test
    void aRewrittenRequestIsProxiedWithItsNewTarget() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = RoutedGateway.start(dir, """
                     vhosts:
                       - hosts: [example.com]
                         routes:
                           - match: '^/old/(.*)$'
                             rewrite: { to: '/index.php?page=$1' }
                           - proxy: { backends: ["http://127.0.0.1:%d"] }
                     """.formatted(backend.port()))) {
            gateway.get("/old/about?ignored=1");
            assertEquals("GET /index.php?page=about HTTP/1.1", requestLine(backend));
        }
    }

    @Test
    void aRewrittenRequestIsServedFromItsNewPathByFiles() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("www/new")).resolve("page.html"), "new page");
        try (RoutedGateway gateway = RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '^/old/(.*)$'
                        rewrite: { to: '/new/$1' }
                      - files: { root: www }
                """)) {
            assertEquals("new page", gateway.get("/old/page.html").body());
        }
    }
}
