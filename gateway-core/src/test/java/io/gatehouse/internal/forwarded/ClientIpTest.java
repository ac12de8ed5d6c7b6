package io.gatehouse.internal.forwarded;

import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.gatehouse.internal.forwarded.ForwardedGateway.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resolved client, as the backend (X-Real-IP) and the access log see it, through a real gateway. */
@Timeout(30)
class ClientIpTest {

    private static final String CHAIN = "GET / HTTP/1.1\r\nHost: site.example\r\n"
            + "X-Forwarded-For: 198.51.100.1, 203.0.113.7, 10.0.0.2\r\nConnection: close\r\n\r\n";

    private static final String TWO_PIPELINED_REQUESTS =
            "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    @TempDir
    Path dir;

    private static String realIpSeenByBackend(String trusted, String request) throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b.trust(trusted.split(",")).realIpHeader(true))) {
            gateway.send(request);
            return String.join("|", values(gateway.backendHead(), "X-Real-IP"));
        }
    }

    @Test
    void throughTrustedProxiesTheClientIsTheRightMostUntrustedAddress() throws Exception {
        assertEquals("203.0.113.7", realIpSeenByBackend("127.0.0.1,10.0.0.0/8", CHAIN));
    }

    @Test
    void anUntrustedPeersChainIsIgnored() throws Exception {
        assertEquals("127.0.0.1", realIpSeenByBackend("10.0.0.0/8", CHAIN));
    }

    @Test
    void severalForwardedForLinesAreWalkedAsOneChainInOrder() throws Exception {
        assertEquals("203.0.113.7", realIpSeenByBackend("127.0.0.1,10.0.0.0/8", "GET / HTTP/1.1\r\nHost: a\r\n"
                + "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 10.0.0.9, 10.0.0.2\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void aGarbageEntryStopsTheWalkAtTheLastGoodHop() throws Exception {
        assertEquals("10.0.0.2", realIpSeenByBackend("127.0.0.1,10.0.0.0/8", "GET / HTTP/1.1\r\nHost: a\r\n"
                + "X-Forwarded-For: 203.0.113.7, unknown, 10.0.0.2\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void trustIsDecidedByTheTcpPeerNotByLoopbackInGeneral() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b.trust("127.0.0.1").realIpHeader(true))) {
            gateway.sendFrom("127.0.0.2", CHAIN);
            String head = gateway.backendHead();
            assertEquals(List.of("127.0.0.2"), values(head, "X-Real-IP"));
            assertEquals(List.of("127.0.0.2"), values(head, "X-Forwarded-For"));
        }
    }

    @Test
    void realIpHeaderIsOffByDefaultAndAClientsOwnIsRemoved() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b)) {
            gateway.send("GET / HTTP/1.1\r\nHost: a\r\nX-Real-IP: 6.6.6.6\r\nConnection: close\r\n\r\n");
            assertEquals(List.of(), values(gateway.backendHead(), "X-Real-IP"));
        }
    }

    @Test
    void realIpHeaderReplacesATrustedPeersOwnWithTheResolvedClient() throws Exception {
        assertEquals("203.0.113.7", realIpSeenByBackend("127.0.0.1,10.0.0.0/8", "GET / HTTP/1.1\r\nHost: a\r\n"
                + "X-Real-IP: 6.6.6.6\r\nX-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void emittedChainIsTheWalkedChainPlusThePeer() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b.trust("127.0.0.1", "10.0.0.0/8"))) {
            gateway.send(CHAIN);
            assertEquals(List.of("198.51.100.1, 203.0.113.7, 10.0.0.2, 127.0.0.1"),
                    values(gateway.backendHead(), "X-Forwarded-For"));
        }
    }

    @Test
    void accessLogRecordsTheResolvedClientAndThePeer() throws Exception {
        Path log = dir.resolve("access.log");
        try (ForwardedGateway gateway = ForwardedGateway.start("127.0.0.1:0", log, Format.JSON, RawBackend.OK,
                b -> b.trust("127.0.0.1", "10.0.0.0/8"))) {
            gateway.send(CHAIN);
            String line = gateway.closeAndReadLog().get(0);
            assertTrue(line.contains("\"client_ip\":\"203.0.113.7\",\"peer_ip\":\"127.0.0.1\""), line);
        }
    }

    @Test
    void combinedLogsTheResolvedClientAsTheRemoteHost() throws Exception {
        Path log = dir.resolve("access.log");
        try (ForwardedGateway gateway = ForwardedGateway.start("127.0.0.1:0", log, Format.COMBINED, RawBackend.OK,
                b -> b.trust("127.0.0.1", "10.0.0.0/8"))) {
            gateway.send(CHAIN);
            String line = gateway.closeAndReadLog().get(0);
            assertTrue(line.startsWith("203.0.113.7 - - ["), line);
        }
    }

    @Test
    void anIpv6PeerIsTrustedByItsNetworkAndLoggedInShortForm() throws Exception {
        Path log = dir.resolve("access.log");
        try (ForwardedGateway gateway = ForwardedGateway.start("[::1]:0", log, Format.JSON, RawBackend.OK,
                b -> b.trust("::1/128").realIpHeader(true))) {
            gateway.send("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: [2001:db8::7]:5555\r\nConnection: close\r\n\r\n");
            String head = gateway.backendHead();
            assertEquals(List.of("2001:db8::7"), values(head, "X-Real-IP"));
            assertEquals(List.of("[2001:db8::7]:5555, ::1"), values(head, "X-Forwarded-For"));
            String line = gateway.closeAndReadLog().get(0);
            assertTrue(line.contains("\"client_ip\":\"2001:db8::7\",\"peer_ip\":\"::1\""), line);
        }
    }

    @Test
    void eachRequestOfAKeepAliveConnectionIsForwardedForThatConnectionsPeer() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b)) {
            gateway.sendFrom("127.0.0.2", TWO_PIPELINED_REQUESTS);
            gateway.sendFrom("127.0.0.3", TWO_PIPELINED_REQUESTS);
            List<String> forwardedFor = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                forwardedFor.addAll(values(gateway.backendHead(), "X-Forwarded-For"));
            }
            assertEquals(List.of("127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"), forwardedFor);
        }
    }

    @Test
    void eachRequestOfAKeepAliveConnectionIsLoggedWithThatConnectionsPeer() throws Exception {
        Path log = dir.resolve("access.log");
        try (ForwardedGateway gateway = ForwardedGateway.start("127.0.0.1:0", log, Format.COMBINED, RawBackend.OK,
                b -> b)) {
            gateway.sendFrom("127.0.0.2", TWO_PIPELINED_REQUESTS);
            gateway.sendFrom("127.0.0.3", TWO_PIPELINED_REQUESTS);
            assertEquals(List.of("127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"),
                    gateway.closeAndReadLog().stream().map(line -> line.substring(0, line.indexOf(' '))).toList());
        }
    }

    @Test
    void withoutTheGatewaysResolutionClientAddressIsThePeer() throws Exception {
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> exchange.getResponseSender().send(ClientAddress.text(ClientAddress.of(exchange))))
                .build();
        server.start();
        try {
            RawHttp.Response response = RawHttp.exchange((InetSocketAddress) server.getListenerInfo().get(0).getAddress(),
                    "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n");
            assertEquals("127.0.0.1", response.body());
        } finally {
            server.stop();
        }
    }
}
