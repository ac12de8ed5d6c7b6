package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.undertow.Handlers;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mounted under a path prefix of the application's server ({@code addPrefixPath("/orders", gateway)}), the gateway
 * sees the path below the prefix, as its routes and files do: the backend gets {@code /42?x=1} for
 * {@code /orders/42?x=1}, as Apache's {@code ProxyPass /orders http://backend/} and nginx's
 * {@code location /orders/ { proxy_pass http://backend/; }} send it.
 */
@Timeout(30)
class MountedUnderAPrefixTest {

    @Test
    void theBackendGetsThePathBelowTheMountPoint() throws Exception {
        assertEquals("GET /42?x=1 HTTP/1.1", forwardedRequestLine("GET /orders/42?x=1 HTTP/1.1"));
    }

    @Test
    void theMountPointItselfIsTheBackendsRoot() throws Exception {
        assertEquals("GET / HTTP/1.1", forwardedRequestLine("GET /orders HTTP/1.1"));
    }

    @Test
    void anEncodedCharacterBelowTheMountPointIsForwardedAsSent() throws Exception {
        assertEquals("GET /a%20b HTTP/1.1", forwardedRequestLine("GET /orders/a%20b HTTP/1.1"));
    }

    private static String forwardedRequestLine(String requestLine) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             GatewayHandler proxy = Gateway.handler(GatewayConfig.builder()
                     .vhost(v -> v.hosts("*").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                     .build())) {
            Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                    .setHandler(Handlers.path(exchange -> exchange.getResponseSender().send("home"))
                            .addPrefixPath("/orders", proxy))
                    .build();
            server.start();
            try {
                InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
                RawHttp.Response response = RawHttp.exchange(address,
                        requestLine + "\r\nHost: shop.test\r\nConnection: close\r\n\r\n");
                assertEquals(200, response.status());
                String head = backend.next().head();
                assertTrue(head.contains("\r\n"), head);
                return head.substring(0, head.indexOf("\r\n"));
            } finally {
                server.stop();
            }
        }
    }
}
