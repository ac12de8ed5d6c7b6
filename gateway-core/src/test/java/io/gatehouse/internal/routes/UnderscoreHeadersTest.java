package io.gatehouse.internal.routes;

import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request headers with {@code _} in their names: CGI, WSGI and PHP turn {@code X_Forwarded_For} and
 * {@code X-Forwarded-For} into one variable, so by default they are dropped (nginx {@code underscores_in_headers off});
 * with {@code forwarded.underscoresInHeaders: keep} they pass, but never under a name the route removes or the
 * forwarded policy owns.
 */
@Timeout(30)
class UnderscoreHeadersTest {

    private static final String SPOOFING_REQUEST = "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n"
            + "X_Forwarded_For: 6.6.6.6\r\nX_Client_IP: 6.6.6.6\r\nX_Authenticated_User: admin\r\n"
            + "x-authenticated_user: root\r\nX_Real_IP: 6.6.6.6\r\nX_Original_URL: /admin\r\nX_Custom: app-value\r\n\r\n";

    @TempDir
    Path dir;

    private RoutedGateway proxied(RawBackend backend, String forwarded) throws Exception {
        return RoutedGateway.proxying(dir, forwarded, backend.port(),
                "{ request: { remove: [X-Authenticated-User], set: { X-Client-IP: '${client_ip}' } } }");
    }

    @Test
    void headersWithUnderscoresAreDroppedByDefault() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = proxied(backend, "")) {
            gateway.send(SPOOFING_REQUEST);
            String head = backend.next().head();
            assertFalse(head.contains("_"), head);
            assertTrue(head.contains("\r\nX-Forwarded-For: 127.0.0.1\r\n"), head);
            assertTrue(head.contains("\r\nX-Client-IP: 127.0.0.1\r\n"), head);
        }
    }

    /** lighttpd's and Apache's CGI mapping turn every character but letters and digits into {@code _}, not only {@code -}. */
    private static final String DOTTED_REQUEST = "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n"
            + "X.Forwarded.For: 6.6.6.6\r\nX~Client~IP: 6.6.6.6\r\nX.Authenticated.User: admin\r\nX.Custom: app-value\r\n\r\n";

    @Test
    void headersWithOtherCharactersCgiTurnsIntoUnderscoresAreDroppedByDefault() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = proxied(backend, "")) {
            gateway.send(DOTTED_REQUEST);
            String head = backend.next().head();
            assertFalse(head.contains("6.6.6.6"), head);
            assertFalse(head.contains("admin"), head);
            assertFalse(head.contains("app-value"), head);
        }
    }

    @Test
    void keptOtherCharactersPassButNotUnderANameTheRouteOrTheForwardedPolicyManages() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = proxied(backend, "forwarded: { underscoresInHeaders: keep }\n")) {
            gateway.send(DOTTED_REQUEST);
            String head = backend.next().head();
            assertTrue(head.contains("\r\nX.Custom: app-value\r\n"), head);
            assertFalse(head.contains("6.6.6.6"), head);
            assertFalse(head.contains("admin"), head);
        }
    }

    @Test
    void keptUnderscoreHeadersPassButNotUnderANameTheRouteOrTheForwardedPolicyManages() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = proxied(backend, "forwarded: { underscoresInHeaders: keep }\n")) {
            gateway.send(SPOOFING_REQUEST);
            String head = backend.next().head();
            String lower = head.toLowerCase(Locale.ROOT);
            assertTrue(head.contains("\r\nX_Custom: app-value\r\n"), head);
            assertFalse(head.contains("6.6.6.6"), head);
            assertFalse(lower.contains("authenticated"), head);
            assertFalse(lower.contains("x_original_url"), head);
            assertTrue(head.contains("\r\nX-Forwarded-For: 127.0.0.1\r\n"), head);
        }
    }
}
