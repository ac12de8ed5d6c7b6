package io.gatehouse.internal.forwarded;

import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.config.ForwardedConfig.Emit;
import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.function.UnaryOperator;

import io.gatehouse.config.GatewayConfigBuilder;

import static io.gatehouse.internal.forwarded.ForwardedGateway.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** forwarded.emit: which header families the backend receives, from trusted and untrusted peers. */
@Timeout(30)
class ForwardedEmitTest {

    private static final String WITH_FORWARDED = "GET / HTTP/1.1\r\nHost: site.example:8080\r\n"
            + "Forwarded: for=\"[2001:db8:cafe::17]:4711\";proto=https, For=_hidden;by=unknown\r\n"
            + "X-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n";

    private static String head(UnaryOperator<GatewayConfigBuilder> settings, String request) throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(settings)) {
            gateway.send(request);
            return gateway.backendHead();
        }
    }

    @Test
    void byDefaultOnlyXForwardedIsEmittedAndAnUntrustedForwardedIsDropped() throws Exception {
        String head = head(b -> b, WITH_FORWARDED);
        assertEquals(List.of(), values(head, "Forwarded"));
        assertEquals(List.of("127.0.0.1"), values(head, "X-Forwarded-For"));
    }

    @Test
    void untrustedPeersForwardedIsReplacedByOurElement() throws Exception {
        String head = head(b -> b.emit(Emit.X_FORWARDED, Emit.RFC7239), WITH_FORWARDED);
        assertEquals(List.of("for=127.0.0.1;host=\"site.example:8080\";proto=http"), values(head, "Forwarded"));
    }

    @Test
    void trustedPeersForwardedIsParsedAndExtended() throws Exception {
        String head = head(b -> b.trust("127.0.0.1").emit(Emit.RFC7239), WITH_FORWARDED);
        assertEquals(List.of("for=\"[2001:db8:cafe::17]:4711\";proto=https, for=_hidden;by=unknown, "
                + "for=127.0.0.1;host=\"site.example:8080\";proto=http"), values(head, "Forwarded"));
    }

    @Test
    void severalForwardedLinesFromATrustedPeerAreJoinedInOrder() throws Exception {
        String head = head(b -> b.trust("127.0.0.1").emit(Emit.RFC7239), "GET / HTTP/1.1\r\nHost: a\r\n"
                + "Forwarded: for=192.0.2.1\r\nForwarded: for=192.0.2.2\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("for=192.0.2.1, for=192.0.2.2, for=127.0.0.1;host=a;proto=http"), values(head, "Forwarded"));
    }

    @Test
    void aMalformedForwardedFromATrustedPeerIsDroppedWhole() throws Exception {
        String head = head(b -> b.trust("127.0.0.1").emit(Emit.RFC7239), "GET / HTTP/1.1\r\nHost: a\r\n"
                + "Forwarded: for=192.0.2.1, for=2001:db8::1\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("for=127.0.0.1;host=a;proto=http"), values(head, "Forwarded"));
    }

    @Test
    void anIpv6PeerIsQuotedInForwarded() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start("[::1]:0", null, Format.JSON, RawBackend.OK,
                b -> b.emit(Emit.RFC7239))) {
            gateway.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals(List.of("for=\"[::1]\";host=a;proto=http"), values(gateway.backendHead(), "Forwarded"));
        }
    }

    @Test
    void withoutXForwardedAnUntrustedClientsXForwardedHeadersAreRemoved() throws Exception {
        String head = head(b -> b.emit(Emit.RFC7239), "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "X-Forwarded-Host: evil\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Port: 1\r\nConnection: close\r\n\r\n");
        for (String name : List.of("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port")) {
            assertEquals(List.of(), values(head, name), name);
        }
    }

    @Test
    void withoutXForwardedATrustedPeersXForwardedForPassesUnchanged() throws Exception {
        String head = head(b -> b.trust("127.0.0.1").emit(Emit.RFC7239), WITH_FORWARDED);
        assertEquals(List.of("203.0.113.7"), values(head, "X-Forwarded-For"));
    }

    @Test
    void emittingNothingStillStripsWhatAnUntrustedClientSent() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b.emit())) {
            gateway.send(WITH_FORWARDED);
            String head = gateway.backendHead();
            assertEquals(List.of(), values(head, "Forwarded"));
            assertEquals(List.of(), values(head, "X-Forwarded-For"));
        }
    }
}
