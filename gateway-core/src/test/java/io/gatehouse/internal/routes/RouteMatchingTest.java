package io.gatehouse.internal.routes;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which route takes a request: conditions, order, normalised paths, rewrites that go on matching. */
@Timeout(30)
class RouteMatchingTest {

    @TempDir
    Path dir;

    /** Each route answers with its own body, so the test sees which one matched. */
    private RoutedGateway gateway(String routes) throws Exception {
        return RoutedGateway.start(dir, "vhosts:\n  - hosts: [example.com]\n    routes:\n" + routes.indent(6));
    }

    private static String answer(String body) {
        return "respond: { status: 200, body: " + body + " }";
    }

    @Test
    void firstMatchingRouteWinsEvenWhenALaterOneIsMoreSpecific() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - path: /api/
                  %s
                - path: /api/v2/
                  %s
                """.formatted(answer("short"), answer("long")))) {
            assertEquals("short", gateway.get("/api/v2/x").body());
        }
    }

    @Test
    void pathIsAPlainStringPrefix() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - path: /api
                  %s
                - %s
                """.formatted(answer("api"), answer("other")))) {
            assertEquals("api", gateway.get("/api").body());
            assertEquals("api", gateway.get("/apis/x").body());
            assertEquals("other", gateway.get("/ap").body());
        }
    }

    @Test
    void matchIsARegexSearchedInTheDecodedPath() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - match: '\\.(bak|sql)$'
                  %s
                - %s
                """.formatted(answer("denied"), answer("other")))) {
            assertEquals("denied", gateway.get("/deep/dump.sql").body());
            assertEquals("denied", gateway.get("/deep/dump%2Esql").body());
            assertEquals("other", gateway.get("/deep/dump.sql.txt").body());
        }
    }

    @Test
    void anEncodedNewlineCannotBypassAMatchRule() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - match: '^/private/.*$'
                  respond: { status: 403 }
                - %s
                """.formatted(answer("open")))) {
            assertEquals(403, gateway.get("/private/%0Asecret").status());
        }
    }

    @Test
    void noMatchingRouteIs404() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - path: /only/
                  %s
                """.formatted(answer("only")))) {
            RawHttp.Response response = gateway.get("/elsewhere");
            assertEquals(404, response.status());
            assertEquals("404 Not Found\n", response.body());
        }
    }

    @Test
    void methodsConditionTakesOnlyTheListedMethods() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - methods: [POST, delete]
                  %s
                - %s
                """.formatted(answer("write"), answer("read")))) {
            assertEquals("write", gateway.send("POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").body());
            assertEquals("write", gateway.send("DELETE / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n").body());
            assertEquals("read", gateway.get("/").body());
        }
    }

    @Test
    void getConditionAlsoTakesHead() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - methods: [GET]
                  respond: { status: 200, headers: { X-Route: get } }
                - respond: { status: 200, headers: { X-Route: other } }
                """)) {
            RawHttp.Response head = gateway.send("HEAD / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
            assertEquals("get", head.header("X-Route"));
        }
    }

    @Test
    void headerConditionSearchesEveryValueAndNeedsTheHeader() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - header: { name: X-Env, matches: '^canary$' }
                  %s
                - header: { name: X-Debug }
                  %s
                - %s
                """.formatted(answer("canary"), answer("debug"), answer("stable")))) {
            assertEquals("canary", gateway.send(request("x-env: canary")).body());
            assertEquals("stable", gateway.send(request("X-Env: canary-2")).body());
            assertEquals("debug", gateway.send(request("X-Debug: ")).body());
            assertEquals("stable", gateway.get("/").body());
        }
    }

    @Test
    void everyConditionOfARouteMustHold() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - path: /admin/
                  methods: [POST]
                  header: { name: X-Admin, matches: yes }
                  %s
                - %s
                """.formatted(answer("admin"), answer("other")))) {
            String body = "Content-Length: 0\r\n";
            assertEquals("admin", gateway.send("POST /admin/x HTTP/1.1\r\nHost: example.com\r\nX-Admin: yes\r\n" + body + "Connection: close\r\n\r\n").body());
            assertEquals("other", gateway.send("POST /admin/x HTTP/1.1\r\nHost: example.com\r\n" + body + "Connection: close\r\n\r\n").body());
            assertEquals("other", gateway.send("GET /admin/x HTTP/1.1\r\nHost: example.com\r\nX-Admin: yes\r\nConnection: close\r\n\r\n").body());
            assertEquals("other", gateway.send("POST /public HTTP/1.1\r\nHost: example.com\r\nX-Admin: yes\r\n" + body + "Connection: close\r\n\r\n").body());
        }
    }

    @Test
    void dotSegmentsAndDoubleSlashesCannotSlipPastAPathRule() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - path: /admin/
                  respond: { status: 403 }
                - %s
                """.formatted(answer("open")))) {
            assertEquals(403, gateway.get("/public/../admin/x").status());
            assertEquals(403, gateway.get("/public/%2e%2E/admin/x").status());
            assertEquals(403, gateway.get("//admin//x").status());
            assertEquals(403, gateway.get("/./admin/x").status());
            assertEquals("open", gateway.get("/public/x").body());
        }
    }

    @Test
    void aPathClimbingAboveTheRootIs400() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - path: /admin/
                  respond: { status: 403 }
                """)) {
            assertEquals(400, gateway.get("/a/../../admin/x").status());
        }
    }

    @Test
    void aCatchAllRouteFirstNeverLooksAtThePath() throws Exception {
        try (RoutedGateway gateway = gateway("- " + answer("all"))) {
            assertEquals("all", gateway.get("/a/../../x").body());
        }
    }

    @Test
    void rewriteGoesOnMatchingWithTheNextRouteAndTheNewPath() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - match: '^/old/(.*)$'
                  rewrite: { to: '/new/$1' }
                - path: /old/
                  %s
                - path: /new/
                  respond: { status: 200, body: 'new' }
                """.formatted(answer("old")))) {
            assertEquals("new", gateway.get("/old/page").body());
        }
    }

    @Test
    void rewriteNeverGoesBackToAnEarlierRoute() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - path: /b
                  %s
                - path: /a
                  rewrite: { to: /b }
                """.formatted(answer("b")))) {
            assertEquals(404, gateway.get("/a").status());
        }
    }

    @Test
    void rewriteOntoItselfRunsOnceAndEndsWithoutLooping() throws Exception {
        try (RoutedGateway gateway = gateway("""
                - match: '^/(.*)$'
                  rewrite: { to: '/x/$1' }
                - match: '^/(.*)$'
                  respond: { status: 200, body: 'done' }
                """)) {
            assertEquals("done", gateway.get("/loop").body());
        }
    }

    private static String request(String header) {
        return "GET / HTTP/1.1\r\nHost: example.com\r\n" + header + "\r\nConnection: close\r\n\r\n";
    }
}
