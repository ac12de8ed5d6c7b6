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

/**
 * Captured request text substituted into redirects, proxy targets and headers can never send the client to another
 * host, climb out of a path, add query parameters, or split a header. Raw sockets: an HTTP client would normalise
 * these requests before they were sent.
 */
@Timeout(30)
class CaptureSafetyTest {

    @TempDir
    Path dir;

    private RoutedGateway redirect(String match, String to) throws Exception {
        return RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '%s'
                        redirect: { to: '%s' }
                """.formatted(match, to));
    }

    @Test
    void aCapturedLeadingSlashCannotMakeARelativeRedirectSchemeRelative() throws Exception {
        try (RoutedGateway gateway = redirect("^/go(.*)$", "/$1")) {
            RawHttp.Response response = gateway.get("/go//evil.example/x");
            assertEquals(302, response.status());
            assertEquals("/evil.example/x", response.header("Location"));
        }
    }

    @Test
    void anEncodedBackslashIsRefusedBeforeABrowserCouldReadItAsASlash() throws Exception {
        try (RoutedGateway gateway = redirect("^/go(.*)$", "/$1")) {
            assertEquals(400, gateway.get("/go/%5Cevil.example").status());
        }
    }

    @Test
    void aCapturedSchemeStaysPartOfThePathOnThisHost() throws Exception {
        try (RoutedGateway gateway = redirect("^/go/(.*)$", "/$1")) {
            assertEquals("/https:/evil.example/", gateway.get("/go/https://evil.example/").header("Location"));
        }
    }

    @Test
    void capturedCrLfCannotSplitTheLocationHeader() throws Exception {
        try (RoutedGateway gateway = redirect("^/go/(.*)$", "/$1")) {
            RawHttp.Response response = gateway.get("/go/x%0D%0ASet-Cookie:%20session=stolen");
            assertEquals(302, response.status());
            assertEquals("/x%0D%0ASet-Cookie:%20session=stolen", response.header("Location"));
            assertNull(response.header("Set-Cookie"), response.head());
        }
    }

    @Test
    void capturedQuestionMarkAndHashStayInThePath() throws Exception {
        try (RoutedGateway gateway = redirect("^/go/(.*)$", "/$1")) {
            assertEquals("/a%3Fb%23c", gateway.get("/go/a%3Fb%23c").header("Location"));
        }
    }

    @Test
    void aCaptureThatWouldFormADotSegmentIs400() throws Exception {
        try (RoutedGateway gateway = redirect("^/x(.*)$", "/static/$1/view")) {
            assertEquals(400, gateway.get("/x..").status());
            assertEquals(400, gateway.get("/x%2e%2E").status());
        }
    }

    @Test
    void aCaptureCannotAddQueryParameters() throws Exception {
        try (RoutedGateway gateway = redirect("^/s/(.*)$", "/search?q=$1")) {
            assertEquals("/search?q=a%26admin%3D1%2B", gateway.get("/s/a&admin=1+").header("Location"));
        }
    }

    @Test
    void aCaptureInTheHostOfATargetMayOnlyBeAHostLabel() throws Exception {
        try (RoutedGateway gateway = redirect("^/sub/([^/]+)", "https://$1.example.net/")) {
            assertEquals("https://shop.example.net/", gateway.get("/sub/shop").header("Location"));
            assertEquals(400, gateway.get("/sub/evil.example%2F").status());
            assertEquals(400, gateway.get("/sub/evil.example@x").status());
            assertEquals(400, gateway.get("/sub/evil.example%3F").status());
            assertEquals(400, gateway.get("/sub/evil.example:1").status());
        }
    }

    @Test
    void aProxyPathWithADotSegmentFromACaptureNeverReachesTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = RoutedGateway.start(dir, """
                     vhosts:
                       - hosts: [example.com]
                         routes:
                           - match: '^/x(.*)$'
                             proxy: { backends: ["http://127.0.0.1:%d"], path: '/app/$1/y' }
                     """.formatted(backend.port()))) {
            assertEquals(400, gateway.get("/x..").status());
            assertTrue(backend.receivedNothing());
        }
    }

    @Test
    void stripPrefixThatWouldLeaveADotSegmentNeverReachesTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = RoutedGateway.start(dir, """
                     vhosts:
                       - hosts: [example.com]
                         routes:
                           - path: /a
                             proxy: { backends: ["http://127.0.0.1:%d"], stripPrefix: true }
                     """.formatted(backend.port()))) {
            assertEquals(400, gateway.get("/a../x").status());
            assertTrue(backend.receivedNothing());
        }
    }

    @Test
    void capturedCrLfCannotSplitAResponseHeader() throws Exception {
        try (RoutedGateway gateway = RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '^/p/(.*)$'
                        respond: { status: 200, body: ok }
                        headers: { response: { set: { X-Page: '$1' } } }
                """)) {
            RawHttp.Response response = gateway.get("/p/x%0D%0AX-Injected:%201");
            assertEquals("x%0D%0AX-Injected: 1", response.header("X-Page"));
            assertNull(response.header("X-Injected"));
            assertFalse(response.head().contains("\r\nX-Injected"), response.head());
        }
    }
}
