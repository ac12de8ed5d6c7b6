package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;

import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.Limits;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer is always 127.0.0.1 here; whether it is trusted is what the config says. */
@Timeout(30)
class ForwardedHeadersTest {

    private static final String SPOOFED = "GET / HTTP/1.1\r\nHost: site.example:8443\r\n"
            + "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 7.7.7.7\r\n"
            + "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Port: 1\r\n"
            + "Forwarded: for=6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nX-Forwarded-Server: evil\r\n"
            + "Via: 1.1 upstream\r\nConnection: close\r\n\r\n";

    private static String forwardedHead(ForwardedConfig forwarded, String request) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()), forwarded, Limits.DEFAULTS)) {
            RawClient.send(proxy.port(), request);
            return backend.next().head();
        }
    }

    /** Every value the backend received for {@code name}, one per header line. */
    private static List<String> values(String head, String name) {
        return Arrays.stream(head.split("\r\n"))
                .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).trim())
                .toList();
    }

    @Test
    void untrustedPeersForwardedForIsReplacedByThePeerAddress() throws Exception {
        assertEquals(List.of("127.0.0.1"), values(forwardedHead(ProxyServer.TRUST_NOBODY, SPOOFED), "X-Forwarded-For"));
    }

    @Test
    void trustedPeersChainIsJoinedAndExtendedWithThePeerAddress() throws Exception {
        assertEquals(List.of("6.6.6.6, 7.7.7.7, 127.0.0.1"),
                values(forwardedHead(ProxyServer.TRUST_LOOPBACK, SPOOFED), "X-Forwarded-For"));
    }

    @Test
    void untrustedPeersForwardedHostProtoAndPortAreOverwrittenWithOurs() throws Exception {
        String head = forwardedHead(ProxyServer.TRUST_NOBODY, SPOOFED);
        assertEquals(List.of("site.example:8443"), values(head, "X-Forwarded-Host"));
        assertEquals(List.of("http"), values(head, "X-Forwarded-Proto"));
        assertEquals(1, values(head, "X-Forwarded-Port").size());
        assertFalse(values(head, "X-Forwarded-Port").contains("1"), head);
    }

    @Test
    void forwardedPortIsTheListenersPortNotTheHostHeadersPort() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), "GET / HTTP/1.1\r\nHost: site.example:8443\r\nConnection: close\r\n\r\n");
            assertEquals(List.of(Integer.toString(proxy.port())), values(backend.next().head(), "X-Forwarded-Port"));
        }
    }

    @Test
    void trustedPeersForwardedHostProtoAndPortAreKept() throws Exception {
        String head = forwardedHead(ProxyServer.TRUST_LOOPBACK, SPOOFED);
        assertEquals(List.of("evil.example"), values(head, "X-Forwarded-Host"));
        assertEquals(List.of("https"), values(head, "X-Forwarded-Proto"));
        assertEquals(List.of("1"), values(head, "X-Forwarded-Port"));
    }

    @Test
    void trustedPeerWithoutForwardedHeadersGetsOursSet() throws Exception {
        String head = forwardedHead(ProxyServer.TRUST_LOOPBACK, "GET / HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("127.0.0.1"), values(head, "X-Forwarded-For"));
        assertEquals(List.of("site.example"), values(head, "X-Forwarded-Host"));
        assertEquals(List.of("http"), values(head, "X-Forwarded-Proto"));
        assertEquals(1, values(head, "X-Forwarded-Port").size());
    }

    @Test
    void untrustedPeerCannotPlantForwardedRealIpOrForwardedServer() throws Exception {
        String head = forwardedHead(ProxyServer.TRUST_NOBODY, SPOOFED);
        assertEquals(List.of(), values(head, "Forwarded"));
        assertEquals(List.of(), values(head, "X-Real-IP"));
        assertEquals(List.of(), values(head, "X-Forwarded-Server"));
    }

    @Test
    void trustedPeersForwardedAndRealIpPassThrough() throws Exception {
        String head = forwardedHead(ProxyServer.TRUST_LOOPBACK, SPOOFED);
        assertEquals(List.of("for=6.6.6.6"), values(head, "Forwarded"));
        assertEquals(List.of("6.6.6.6"), values(head, "X-Real-IP"));
    }

    @Test
    void viaIsAppendedToAnExistingVia() throws Exception {
        assertEquals(List.of("1.1 upstream, 1.1 gatehouse"), values(forwardedHead(ProxyServer.TRUST_NOBODY, SPOOFED), "Via"));
    }

    @Test
    void viaIsAddedWhenAbsent() throws Exception {
        String head = forwardedHead(ProxyServer.TRUST_NOBODY, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("1.1 gatehouse"), values(head, "Via"));
    }

    @Test
    void listingForwardedForInConnectionDoesNotRemoveOurs() throws Exception {
        String head = forwardedHead(ProxyServer.TRUST_NOBODY,
                "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 6.6.6.6\r\nConnection: close\r\nConnection: X-Forwarded-For, Via\r\n\r\n");
        assertEquals(List.of("127.0.0.1"), values(head, "X-Forwarded-For"));
        assertEquals(List.of("1.1 gatehouse"), values(head, "Via"));
    }

    @Test
    void obsFoldedForwardedForFromATrustedPeerCannotSplitTheBackendRequest() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()), ProxyServer.TRUST_LOOPBACK, Limits.DEFAULTS)) {
            String answer = RawClient.send(proxy.port(),
                    "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.2.3.4\r\n Injected: yes\r\nConnection: close\r\n\r\n");
            if (RawClient.status(answer) == 200) {
                String head = backend.next().head();
                assertEquals(List.of(), values(head, "Injected"));
            } else {
                assertEquals(400, RawClient.status(answer));
                assertTrue(backend.receivedNothing());
            }
        }
    }

    @Test
    void controlCharactersPutInByAnEmbeddingApplicationNeverReachTheBackend() throws Exception {
        HttpString xff = new HttpString("X-Forwarded-For");
        HttpString realIp = new HttpString("X-Real-IP");
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.startWrapped(ProxyServer.config(backend.port()), ProxyServer.TRUST_LOOPBACK,
                     next -> exchange -> {
                         exchange.getRequestHeaders().put(xff, "1.2.3.4\r\nInjected: yes");
                         exchange.getRequestHeaders().put(realIp, "1.2.3.4\nInjected: too");
                         next.handleRequest(exchange);
                     })) {
            RawClient.send(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            String head = backend.next().head();
            assertEquals(List.of(), values(head, "Injected"));
            assertEquals(List.of("127.0.0.1"), values(head, "X-Forwarded-For"));
        }
    }
}
