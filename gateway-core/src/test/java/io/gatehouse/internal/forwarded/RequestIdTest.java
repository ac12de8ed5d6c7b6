package io.gatehouse.internal.forwarded;

import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static io.gatehouse.internal.forwarded.ForwardedGateway.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** X-Request-Id: kept from trusted peers when sane, generated otherwise, sent to the backend, logged, echoed on demand. */
@Timeout(30)
class RequestIdTest {

    private static final String GENERATED = "[0-9a-f]{32}";

    @TempDir
    Path dir;

    private static String requestIdSeenByBackend(UnaryOperator<GatewayConfigBuilder> settings, String request) throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(settings)) {
            gateway.send(request);
            List<String> ids = values(gateway.backendHead(), "X-Request-Id");
            assertEquals(1, ids.size(), ids.toString());
            return ids.get(0);
        }
    }

    private static String withId(String id) {
        return "GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: " + id + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void aRequestWithoutIdGetsAGeneratedOne() throws Exception {
        String id = requestIdSeenByBackend(b -> b, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(id.matches(GENERATED), id);
    }

    @Test
    void anUntrustedPeersIdIsReplaced() throws Exception {
        String id = requestIdSeenByBackend(b -> b, withId("client-chosen-1"));
        assertTrue(id.matches(GENERATED), id);
    }

    @Test
    void aTrustedPeersSaneIdIsKept() throws Exception {
        String id = "Root=1-67891233-abcdef012345678912345678";
        assertEquals(id, requestIdSeenByBackend(b -> b.trust("127.0.0.1"), withId(id)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"two words", "a,b", "<script>", "x;y", "\"quoted\"", "caf\u00e9"})
    void aTrustedPeersIdOutsideTheSafeCharactersIsReplaced(String id) throws Exception {
        String seen = requestIdSeenByBackend(b -> b.trust("127.0.0.1"), withId(id));
        assertTrue(seen.matches(GENERATED), seen);
    }

    @Test
    void aTrustedPeersIdOf200CharactersIsKeptAnd201IsReplaced() throws Exception {
        String longest = "a".repeat(200);
        assertEquals(longest, requestIdSeenByBackend(b -> b.trust("127.0.0.1"), withId(longest)));
        assertTrue(requestIdSeenByBackend(b -> b.trust("127.0.0.1"), withId(longest + "a")).matches(GENERATED));
    }

    @Test
    void twoIdLinesFromATrustedPeerAreReplaced() throws Exception {
        String seen = requestIdSeenByBackend(b -> b.trust("127.0.0.1"),
                "GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: one\r\nX-Request-Id: two\r\nConnection: close\r\n\r\n");
        assertTrue(seen.matches(GENERATED), seen);
    }

    @Test
    void everyRequestGetsItsOwnId() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b)) {
            gateway.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            gateway.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertNotEquals(values(gateway.backendHead(), "X-Request-Id"), values(gateway.backendHead(), "X-Request-Id"));
        }
    }

    @Test
    void listingTheIdInConnectionDoesNotRemoveIt() throws Exception {
        assertEquals("abc", requestIdSeenByBackend(b -> b.trust("127.0.0.1"),
                "GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: abc\r\nConnection: close\r\nConnection: X-Request-Id\r\n\r\n"));
    }

    @Test
    void theIdIsNotEchoedByDefault() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b)) {
            assertNull(gateway.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").header("X-Request-Id"));
        }
    }

    @Test
    void theEchoedIdIsTheOneTheBackendGotAndTheAccessLogRecorded() throws Exception {
        Path log = dir.resolve("access.log");
        try (ForwardedGateway gateway = ForwardedGateway.start("127.0.0.1:0", log, Format.JSON, RawBackend.OK,
                b -> b.echoRequestId(true))) {
            String echoed = gateway.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").header("X-Request-Id");
            assertTrue(echoed != null && echoed.matches(GENERATED), echoed);
            assertEquals(List.of(echoed), values(gateway.backendHead(), "X-Request-Id"));
            String line = gateway.closeAndReadLog().get(0);
            assertTrue(line.contains("\"request_id\":\"" + echoed + "\""), line);
        }
    }

    @Test
    void aBackendsOwnResponseIdIsNotOverwrittenByTheEcho() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start("127.0.0.1:0", null, Format.JSON,
                "HTTP/1.1 200 OK\r\nX-Request-Id: from-backend\r\nContent-Length: 2\r\n\r\nok", b -> b.echoRequestId(true))) {
            RawHttp.Response response = gateway.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals(List.of("from-backend"), values(response.head(), "X-Request-Id"));
        }
    }

    @Test
    void anAnswerTheRouterGaveIsEchoedAndLoggedWithAnId() throws Exception {
        Path log = dir.resolve("access.log");
        try (ForwardedGateway gateway = ForwardedGateway.start("127.0.0.1:0", log, Format.JSON, RawBackend.OK,
                b -> b.echoRequestId(true))) {
            RawHttp.Response response = gateway.send("GET / HTTP/1.1\r\nHost: bad..host\r\nConnection: close\r\n\r\n");
            assertEquals(400, response.status());
            String echoed = response.header("X-Request-Id");
            assertTrue(echoed != null && echoed.matches(GENERATED), response.head());
            String line = gateway.closeAndReadLog().get(0);
            assertTrue(line.contains("\"request_id\":\"" + echoed + "\""), line);
        }
    }
}
