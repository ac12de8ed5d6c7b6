package io.gatehouse.routes;

import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code limits.encodedSlashes: decode}: nginx's rule. Routes see {@code %2F} as the slash a backend decodes it to,
 * and the backend still gets the target as sent; an encoded or raw backslash stays refused.
 */
@Timeout(30)
class DecodedSlashTest {

    @TempDir
    Path dir;

    private RoutedGateway decodingInFrontOf(RawBackend backend) throws Exception {
        return RoutedGateway.start(dir, """
                limits: { encodedSlashes: decode }
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - path: /admin/
                        respond: { status: 403 }
                      - path: /api/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                """.formatted(backend.port()));
    }

    @Test
    void anEncodedSlashIsMatchedAsASlash() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = decodingInFrontOf(backend)) {
            assertEquals(403, gateway.get("/admin%2Fsecret").status());
            assertEquals(403, gateway.get("/api/..%2Fadmin/secret").status());
            assertTrue(backend.receivedNothing());
        }
    }

    @Test
    void theBackendGetsTheEncodedSlashAsSent() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = decodingInFrontOf(backend)) {
            assertEquals(200, gateway.get("/api/queues/%2F/jobs").status());
            assertTrue(backend.next().head().startsWith("GET /api/queues/%2F/jobs HTTP/1.1\r\n"));
        }
    }

    @Test
    void aBackslashIsStillRefused() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = decodingInFrontOf(backend)) {
            assertEquals(400, gateway.get("/api/x%5C..%5C..%5Cadmin").status());
            assertEquals(400, gateway.get("/api/x%252F").status());
            assertTrue(backend.receivedNothing());
        }
    }
}
