package io.gatehouse.internal.forwarded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.gatehouse.internal.forwarded.ForwardedGateway.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The other headers frameworks read for the client's address, scheme or URL: stripped from a peer outside
 * {@code forwarded.trusted}, passed from a trusted one; {@code forwarded.strip} adds names to the list.
 */
@Timeout(30)
class UntrustedClientHeadersTest {

    private static final List<String> FAMILY = List.of("True-Client-IP", "CF-Connecting-IP", "Client-IP",
            "X-Cluster-Client-IP", "X-Original-Forwarded-For", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "Front-End-Https",
            "X-Url-Scheme", "X-Forwarded-Prefix", "X-Original-URL", "X-Rewrite-URL", "X-Host", "X-Forwarded-Protocol",
            "X-Forwarded-Uri");

    private static String requestWith(List<String> names) {
        StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n");
        names.forEach(name -> request.append(name).append(": planted\r\n"));
        return request.append("X-Other: kept\r\n\r\n").toString();
    }

    @Test
    void theFamilyIsStrippedFromAnUntrustedPeer() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b.trust("10.0.0.0/8"))) {
            gateway.send(requestWith(FAMILY));
            String head = gateway.backendHead();
            for (String name : FAMILY) {
                assertEquals(List.of(), values(head, name), name + " reached the backend:\n" + head);
            }
            assertEquals(List.of("kept"), values(head, "X-Other"), head);
        }
    }

    @Test
    void theFamilyPassesFromATrustedPeer() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b.trust("127.0.0.1"))) {
            gateway.send(requestWith(FAMILY));
            String head = gateway.backendHead();
            for (String name : FAMILY) {
                assertEquals(List.of("planted"), values(head, name), name + " did not reach the backend:\n" + head);
            }
        }
    }

    @Test
    void namesInForwardedStripAreStrippedToo() throws Exception {
        try (ForwardedGateway gateway = ForwardedGateway.start(b -> b.trust("10.0.0.0/8").stripFromUntrusted("X-Tenant"))) {
            gateway.send(requestWith(List.of("X-Tenant", "X-Host")));
            String head = gateway.backendHead();
            assertEquals(List.of(), values(head, "X-Tenant"), head);
            assertEquals(List.of(), values(head, "X-Host"), head);
            assertTrue(head.contains("\r\nX-Other: kept\r\n"), head);
        }
    }
}
