package io.gatehouse.internal.forwarded;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayHandler;
import io.gatehouse.config.ForwardedConfig.Emit;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.util.List;

import static io.gatehouse.internal.forwarded.ForwardedGateway.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No CR, LF or other control character reaches the backend through a forwarding header, whatever a (trusted!)
 * peer sends. Raw bytes, because an HTTP client library would refuse to send most of these.
 */
@Timeout(30)
class HeaderInjectionTest {

    private static final List<String> FORWARDING = List.of("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
            "X-Forwarded-Port", "Forwarded", "X-Real-IP", "X-Request-Id", "Via");

    private static ForwardedGateway trustingEverything() throws Exception {
        return ForwardedGateway.start(b -> b.trust("127.0.0.1").emit(Emit.X_FORWARDED, Emit.RFC7239).realIpHeader(true));
    }

    /** Every line of the head ends with CRLF, and no line is an injected header. */
    private static void assertCleanHead(String head) {
        String[] lines = head.split("\r\n", -1);
        for (String line : lines) {
            assertTrue(line.indexOf('\r') < 0 && line.indexOf('\n') < 0 && line.indexOf('\0') < 0, () -> "bare control byte in " + head);
            assertTrue(!line.regionMatches(true, 0, "Injected", 0, 8), () -> "injected header line in " + head);
        }
    }

    /** The gateway either refuses the request (400, nothing forwarded) or forwards a clean head. */
    private static void assertRefusedOrClean(ForwardedGateway gateway, RawHttp.Response response) throws Exception {
        if (response.status() == 400) {
            assertTrue(gateway.backendReceivedNothing());
        } else {
            assertEquals(200, response.status(), response.head());
            assertCleanHead(gateway.backendHead());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-For: 1.2.3.4", "Forwarded: for=1.2.3.4", "X-Request-Id: abc", "X-Real-IP: 1.2.3.4",
            "X-Forwarded-Host: a.example"})
    void anObsFoldedForwardingHeaderCannotAddABackendHeader(String header) throws Exception {
        try (ForwardedGateway gateway = trustingEverything()) {
            RawHttp.Response response = gateway.send("GET / HTTP/1.1\r\nHost: a\r\n" + header + "\r\n Injected: yes\r\n"
                    + "Connection: close\r\n\r\n");
            assertRefusedOrClean(gateway, response);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-For: 1.2.3.4\rInjected: yes", "Forwarded: for=\"_a\rInjected: yes\"",
            "X-Request-Id: abc\u0000Injected: yes", "X-Forwarded-For: 1.2.3.4\u007f"})
    void aBareControlByteInAForwardingHeaderIsRefusedOrNeverForwarded(String header) throws Exception {
        try (ForwardedGateway gateway = trustingEverything()) {
            RawHttp.Response response = gateway.send("GET / HTTP/1.1\r\nHost: a\r\n" + header + "\r\nConnection: close\r\n\r\n");
            assertRefusedOrClean(gateway, response);
        }
    }

    @Test
    void aBareLfEndsTheHeaderLineAndNothingOfItLeaksIntoOurs() throws Exception {
        try (ForwardedGateway gateway = trustingEverything()) {
            RawHttp.Response response = gateway.send("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.2.3.4\nX-Other: yes\r\n"
                    + "Connection: close\r\n\r\n");
            if (response.status() == 200) {
                String head = gateway.backendHead();
                assertCleanHead(head);
                assertEquals(List.of("1.2.3.4, 127.0.0.1"), values(head, "X-Forwarded-For"));
            } else {
                assertEquals(400, response.status());
                assertTrue(gateway.backendReceivedNothing());
            }
        }
    }

    @Test
    void percentEncodedCrLfStaysLiteralAndIsNotAnAddress() throws Exception {
        try (ForwardedGateway gateway = trustingEverything()) {
            gateway.send("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.2.3.4%0d%0aInjected:%20yes\r\n"
                    + "Forwarded: secret=\"%0d%0aInjected: yes\"\r\nConnection: close\r\n\r\n");
            String head = gateway.backendHead();
            assertCleanHead(head);
            assertEquals(List.of("1.2.3.4%0d%0aInjected:%20yes, 127.0.0.1"), values(head, "X-Forwarded-For"));
            assertEquals(List.of("127.0.0.1"), values(head, "X-Real-IP"));
            assertEquals(List.of("secret=\"%0d%0aInjected: yes\", for=127.0.0.1;host=a;proto=http"), values(head, "Forwarded"));
        }
    }

    @Test
    void valuesAnEmbeddingApplicationPutsInWithCrLfNeverReachTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             GatewayHandler gatehouse = Gateway.handler(GatewayConfig.builder().trust("127.0.0.1")
                     .emit(Emit.X_FORWARDED, Emit.RFC7239).realIpHeader(true)
                     .vhost(v -> v.hosts("*").proxy(p -> p.backend("http://127.0.0.1:" + backend.port()))).build())) {
            Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
                for (String name : FORWARDING) {
                    exchange.getRequestHeaders().put(new HttpString(name), "x\r\nInjected: " + name);
                }
                gatehouse.handleRequest(exchange);
            }).build();
            server.start();
            try {
                RawHttp.exchange((InetSocketAddress) server.getListenerInfo().get(0).getAddress(),
                        "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
                String head = backend.next().head();
                assertCleanHead(head);
                assertEquals(List.of("127.0.0.1"), values(head, "X-Forwarded-For"));
                assertEquals(List.of("for=127.0.0.1;host=a;proto=http"), values(head, "Forwarded"));
                assertTrue(values(head, "X-Request-Id").get(0).matches("[0-9a-f]{32}"), head);
            } finally {
                server.stop();
            }
        }
    }
}
