package io.gatehouse.internal.vhosts;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static io.gatehouse.testing.Configs.vhost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host routing through a real gateway on two listeners. Echo vhosts answer with the request they received,
 * so each test can see which vhost answered and what it saw.
 */
class HostRoutingTest {

    private Gateway gateway;
    private InetSocketAddress main;
    private InetSocketAddress admin;

    @BeforeEach
    void start() {
        ListenAddress mainListener = new ListenAddress("127.0.0.1", 0);
        ListenAddress adminListener = new ListenAddress("127.0.0.2", 0);
        gateway = Gateway.start(gateway(List.of(mainListener), AccessLogConfig.OFF_CONFIG,
                echo("exact", "www.example.com"),
                echo("wildcard", "*.example.com"),
                echo("other", "other.test"),
                vhost("internal", List.of("internal.test"), List.of(adminListener), new EchoConfig())));
        main = gateway.addresses().get(0);
        admin = gateway.addresses().get(1);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private Response get(InetSocketAddress address, String target, String host) throws IOException {
        return RawHttp.exchange(address, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    @Test
    void exactHostIsServedByItsVhost() throws IOException {
        Response response = get(main, "/", "www.example.com");
        assertEquals(200, response.status());
        assertTrue(response.body().contains("Host: www.example.com"), response.body());
    }

    @Test
    void hostMatchingIgnoresCasePortAndTrailingDot() throws IOException {
        for (String host : List.of("WWW.Example.COM", "www.example.com:8080", "www.example.com.")) {
            assertEquals(200, get(main, "/", host).status(), host);
        }
    }

    @Test
    void wildcardServesSubdomainsTheExactNameDoesNot() throws IOException {
        assertEquals(200, get(main, "/", "shop.example.com").status());
    }

    @Test
    void unknownHostIsNotFound() throws IOException {
        Response response = get(main, "/", "unknown.test");
        assertEquals(404, response.status());
        assertFalse(response.body().contains("Host:"), "no vhost answered: " + response.body());
    }

    @Test
    void hostServedOnlyOnAnotherListenerIsMisdirected() throws IOException {
        Response misdirected = get(main, "/", "internal.test");
        assertEquals(421, misdirected.status());
        assertTrue(misdirected.head().startsWith("HTTP/1.1 421 Misdirected Request\r\n"), misdirected.head());
        assertEquals(200, get(admin, "/", "internal.test").status());
    }

    @Test
    void hostServedOnlyOnTheDefaultListenersIsMisdirectedOnAVhostsOwnListener() throws IOException {
        assertEquals(421, get(admin, "/", "www.example.com").status());
        assertEquals(404, get(admin, "/", "unknown.test").status());
    }

    @Test
    void connectIsRefusedBecauseGatehouseIsNeverAForwardProxy() throws IOException {
        Response response = RawHttp.exchange(main,
                "CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n");
        assertEquals(405, response.status());
        assertFalse(response.body().contains("Host:"));
    }

    @Test
    void absoluteFormTargetIsRoutedByItsHost() throws IOException {
        Response response = get(main, "http://other.test/path?q=1", "other.test");
        assertEquals(200, response.status());
        assertTrue(response.body().startsWith("GET http://other.test/path?q=1 HTTP/1.1"), response.body());
        assertTrue(response.body().contains("Host: other.test"), response.body());
    }

    @Test
    void absoluteFormTargetWhoseHostDiffersFromTheHostHeaderIsBadRequest() throws IOException {
        // Undertow refuses the mismatch before routing; either way no vhost may see two different hosts.
        Response response = get(main, "http://other.test/", "www.example.com");
        assertEquals(400, response.status());
        assertFalse(response.body().contains("Host:"), response.body());
    }

    @Test
    void absoluteFormTargetForAnUnknownHostIsNotFound() throws IOException {
        assertEquals(404, get(main, "http://elsewhere.test/", "elsewhere.test").status());
    }

    @Test
    void http11RequestWithoutHostIsBadRequest() throws IOException {
        Response response = RawHttp.exchange(main, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status());
    }

    @Test
    void repeatedHostHeaderIsBadRequest() throws IOException {
        Response response = RawHttp.exchange(main,
                "GET / HTTP/1.1\r\nHost: other.test\r\nHost: www.example.com\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status());
    }

    @Test
    void hostThatIsNotAValidNameIsBadRequest() throws IOException {
        for (String host : List.of("..", "a..example.com", "%2e%2e", "www.example.com:99999", "a/b")) {
            assertEquals(400, get(main, "/", host).status(), host);
        }
    }

    @Test
    void errorAnswerToARequestWithAnUnreadBodyClosesTheConnection() throws IOException {
        Response response = RawHttp.exchange(main, "POST / HTTP/1.1\r\nHost: unknown.test\r\nContent-Length: 40\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: other.test\r\n\r\n");
        assertEquals(404, response.status());
        assertTrue(response.closed(), "the unread body must never be parsed as a request");
    }
}
