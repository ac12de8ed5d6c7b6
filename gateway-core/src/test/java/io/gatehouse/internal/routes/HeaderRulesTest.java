package io.gatehouse.internal.routes;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A route's {@code headers}: request changes reach the backend, response changes reach the client. */
@Timeout(30)
class HeaderRulesTest {

    private static final String BACKEND_RESPONSE = "HTTP/1.1 200 OK\r\nServer: backend/1.0\r\nX-Powered-By: php\r\n"
            + "Cache-Control: no-cache\r\nContent-Length: 2\r\n\r\nok";

    @TempDir
    Path dir;

    private RoutedGateway proxied(RawBackend backend, String headers) throws Exception {
        return RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '^/(\\w+)'
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                        headers: %s
                """.formatted(backend.port(), headers));
    }

    @Test
    void requestRulesRemoveThenSetThenAddBeforeTheBackendSeesTheRequest() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = proxied(backend, """
                     { request: { remove: [Cookie, X-Set], set: { X-Set: new, X-Route: '$1' }, add: { X-Set: more } } }""")) {
            gateway.send("GET /users HTTP/1.1\r\nHost: example.com\r\nCookie: a=b\r\nX-Set: old\r\nConnection: close\r\n\r\n");
            String head = backend.next().head();
            assertFalse(head.contains("Cookie"), head);
            assertFalse(head.contains("X-Set: old"), head);
            assertTrue(head.contains("\r\nX-Set: new\r\nX-Set: more\r\n") || head.contains("\r\nX-Set: more\r\nX-Set: new\r\n"), head);
            assertTrue(head.contains("\r\nX-Route: users\r\n"), head);
        }
    }

    @Test
    void requestValuesUseTheRequestVariables() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = proxied(backend, """
                     { request: { set: { X-Client-IP: '${client_ip}', X-Site: '${scheme}://${host}', X-Trace: 'id=${request_id}' } } }""")) {
            gateway.send("GET /x HTTP/1.1\r\nHost: Example.COM:80\r\nX-Request-Id: abc-1\r\nConnection: close\r\n\r\n");
            String head = backend.next().head();
            assertTrue(head.contains("\r\nX-Client-IP: 127.0.0.1\r\n"), head);
            assertTrue(head.contains("\r\nX-Site: http://example.com\r\n"), head);
            // The client is not trusted, so its X-Request-Id is replaced; the variable is the id the backend gets.
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\r\nX-Request-Id: ([0-9a-f]{32})\r\n").matcher(head);
            assertTrue(id.find(), head);
            assertTrue(head.contains("\r\nX-Trace: id=" + id.group(1) + "\r\n"), head);
        }
    }

    @Test
    void responseRulesChangeTheBackendsResponse() throws Exception {
        try (RawBackend backend = RawBackend.answering(BACKEND_RESPONSE);
             RoutedGateway gateway = proxied(backend, """
                     { response: { remove: [X-Powered-By], set: { Cache-Control: 'max-age=60' }, add: { X-Frame-Options: DENY } } }""")) {
            RawHttp.Response response = gateway.get("/page");
            assertNull(response.header("X-Powered-By"));
            assertEquals("max-age=60", response.header("Cache-Control"));
            assertEquals("DENY", response.header("X-Frame-Options"));
            assertEquals("backend/1.0", response.header("Server"));
            assertEquals("ok", response.body());
        }
    }

    @Test
    void responseRulesApplyToTheGatewaysOwnErrorAnswers() throws Exception {
        try (RawBackend backend = RawBackend.resettingBeforeResponse();
             RoutedGateway gateway = proxied(backend, "{ response: { set: { X-Frame-Options: DENY } } }")) {
            RawHttp.Response response = gateway.get("/page");
            assertEquals(502, response.status());
            assertEquals("DENY", response.header("X-Frame-Options"));
        }
    }

    @Test
    void rulesOfARewriteRouteAddUpWithThoseOfTheRouteThatServes() throws Exception {
        try (RoutedGateway gateway = RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '^/old/(.*)$'
                        rewrite: { to: '/new/$1' }
                        headers: { response: { set: { X-Rewritten-From: '$1' } } }
                      - respond: { status: 200, body: done }
                        headers: { response: { set: { X-Served: 'yes' } } }
                """)) {
            RawHttp.Response response = gateway.get("/old/page");
            assertEquals("page", response.header("X-Rewritten-From"));
            assertEquals("yes", response.header("X-Served"));
        }
    }
}
