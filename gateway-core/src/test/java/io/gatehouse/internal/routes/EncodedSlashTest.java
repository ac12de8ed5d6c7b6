package io.gatehouse.internal.routes;

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
 * A route and the backend behind it read one path. Behind {@code path: /admin/ → 403} and then a proxy: a spelling
 * the backend may decode to {@code /admin/...} while routes see something else ({@code %2F}, {@code %5C}, a
 * backslash) is refused with 400 and never forwarded; with {@code limits.encodedSlashes: decode} {@code %2F} is
 * matched as the slash the backend reads, as nginx matches it.
 */
@Timeout(30)
class EncodedSlashTest {

    private static final String DECODE = "limits: { encodedSlashes: decode }\n";

    @TempDir
    Path dir;

    private RoutedGateway adminDeniedInFrontOf(RawBackend backend, String limits) throws Exception {
        return RoutedGateway.start(dir, limits + """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - path: /admin/
                        respond: { status: 403 }
                      - proxy: { backends: ["http://127.0.0.1:%d"] }
                """.formatted(backend.port()));
    }

    /** Each target gets {@code status} from the gateway, and the backend gets none of them. */
    private void assertAnsweredWithoutBackend(String limits, int status, String... targets) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = adminDeniedInFrontOf(backend, limits)) {
            for (String target : targets) {
                assertEquals(status, gateway.get(target).status(), target);
            }
            assertTrue(backend.receivedNothing());
        }
    }

    /** The request line the backend gets for {@code target}, which the gateway answers 200. */
    private String forwarded(String limits, String target) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = adminDeniedInFrontOf(backend, limits)) {
            assertEquals(200, gateway.get(target).status());
            String head = backend.next().head();
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin%2Fsecret", "/admin%2fsecret", "/x/..%2Fadmin/secret", "/admin%5Cx",
            "/admin%5cx", "/admin\\x", "/x/..\\admin/secret", "/admin%252Fsecret"})
    void aSlashThatRoutesCannotSeeIsRefusedAndNeverForwarded(String target) throws Exception {
        assertAnsweredWithoutBackend("", 400, target);
    }

    @Test
    void theDecodedAdminPathIsStillDenied() throws Exception {
        assertAnsweredWithoutBackend("", 403, "/x/../admin/secret", "/%61dmin/secret");
    }

    @Test
    void anOrdinaryPathIsForwardedByteForByte() throws Exception {
        assertEquals("GET /docs/a%20b/admin?q=%2F HTTP/1.1", forwarded("", "/docs/a%20b/admin?q=%2F"));
    }

    /** Like nginx's {@code location}, a prefix is case-sensitive: {@code /ADMIN/} is another path. */
    @Test
    void pathPrefixesAreCaseSensitive() throws Exception {
        assertEquals("GET /ADMIN/x HTTP/1.1", forwarded("", "/ADMIN/x"));
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

    @Test
    void decodedAnEncodedSlashIsMatchedAsASlash() throws Exception {
        assertAnsweredWithoutBackend(DECODE, 403, "/admin%2Fsecret", "/api/..%2Fadmin/secret");
    }

    @Test
    void decodedTheBackendStillGetsTheEncodedSlashAsSent() throws Exception {
        assertEquals("GET /api/queues/%2F/jobs HTTP/1.1", forwarded(DECODE, "/api/queues/%2F/jobs"));
    }

    @Test
    void decodedABackslashOrADoubleEncodedSlashIsStillRefused() throws Exception {
        assertAnsweredWithoutBackend(DECODE, 400, "/api/x%5C..%5C..%5Cadmin", "/admin\\x", "/api/x%252F");
    }
}
