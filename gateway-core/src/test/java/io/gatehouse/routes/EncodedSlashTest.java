package io.gatehouse.routes;

import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route and the backend behind it read one path: a spelling the backend may decode to {@code /admin/...} while
 * routes see something else ({@code %2F}, {@code %5C}, a backslash) is refused with 400 and never forwarded.
 */
@Timeout(30)
class EncodedSlashTest {

    @TempDir
    Path dir;

    private RoutedGateway adminDeniedInFrontOf(RawBackend backend) throws Exception {
        return RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - path: /admin/
                        respond: { status: 403 }
                      - proxy: { backends: ["http://127.0.0.1:%d"] }
                """.formatted(backend.port()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin%2Fsecret", "/admin%2fsecret", "/x/..%2Fadmin/secret", "/admin%5Cx",
            "/admin%5cx", "/admin\\x", "/x/..\\admin/secret", "/admin%252Fsecret"})
    void aSlashThatRoutesCannotSeeIsRefusedAndNeverForwarded(String target) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = adminDeniedInFrontOf(backend)) {
            assertEquals(400, gateway.get(target).status());
            assertTrue(backend.receivedNothing());
        }
    }

    @Test
    void theDecodedAdminPathIsStillDenied() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = adminDeniedInFrontOf(backend)) {
            assertEquals(403, gateway.get("/x/../admin/secret").status());
            assertEquals(403, gateway.get("/%61dmin/secret").status());
            assertTrue(backend.receivedNothing());
        }
    }

    @Test
    void anOrdinaryPathIsForwardedByteForByte() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = adminDeniedInFrontOf(backend)) {
            assertEquals(200, gateway.get("/docs/a%20b/admin?q=%2F").status());
            assertTrue(backend.next().head().startsWith("GET /docs/a%20b/admin?q=%2F HTTP/1.1\r\n"));
        }
    }

    /** Like nginx's {@code location}, a prefix is case-sensitive: {@code /ADMIN/} is another path. */
    @Test
    void pathPrefixesAreCaseSensitive() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = adminDeniedInFrontOf(backend)) {
            assertEquals(200, gateway.get("/ADMIN/x").status());
            assertTrue(backend.next().head().startsWith("GET /ADMIN/x HTTP/1.1\r\n"));
        }
    }

    /** The documented way to refuse every spelling of a prefix regardless of case. */
    @Test
    void aCaseInsensitiveMatchCoversEveryCase() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = RoutedGateway.start(dir, """
                     vhosts:
                       - hosts: [example.com]
                         routes:
                           - match: '(?i)^/admin(/|$)'
                             respond: { status: 403 }
                           - proxy: { backends: ["http://127.0.0.1:%d"] }
                     """.formatted(backend.port()))) {
            assertEquals(403, gateway.get("/ADMIN/x").status());
            assertEquals(403, gateway.get("/Admin").status());
            assertTrue(backend.receivedNothing());
        }
    }
}
