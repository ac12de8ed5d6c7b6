package io.gatehouse.internal.forwarded;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ip-hash balances by the real client, resolved through trusted proxies: every request here comes from the same
 * TCP peer (a trusted proxy on 127.0.0.1), yet each client named in X-Forwarded-For sticks to one backend and the
 * clients spread over both.
 */
class IpHashBehindTrustedProxyTest {

    @Test
    void eachClientBehindATrustedProxyStaysOnOneBackend() throws Exception {
        try (RawBackend first = RawBackend.answering(RawBackend.OK); RawBackend second = RawBackend.answering(RawBackend.OK)) {
            GatewayConfig config = GatewayConfig.builder()
                    .listen("127.0.0.1:0")
                    .trust("127.0.0.1/32")
                    .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + first.port())
                            .backend("http://127.0.0.1:" + second.port()).balance(ProxyConfig.Balance.IP_HASH)))
                    .build();
            Gateway gateway = Gateway.start(config);
            try {
                InetSocketAddress address = gateway.addresses().get(0);
                Set<Integer> backendsUsed = new HashSet<>();
                for (int client = 1; client <= 16; client++) {
                    for (int request = 0; request < 3; request++) {
                        assertEquals(200, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 203.0.113."
                                + client + "\r\nConnection: close\r\n\r\n").status());
                    }
                    int atFirst = first.drain().size();
                    int atSecond = second.drain().size();
                    assertTrue((atFirst == 3 && atSecond == 0) || (atFirst == 0 && atSecond == 3),
                            "client 203.0.113." + client + " was split: " + atFirst + " + " + atSecond);
                    backendsUsed.add(atFirst == 3 ? 1 : 2);
                }
                assertEquals(Set.of(1, 2), backendsUsed, "clients behind one proxy hash to both backends");
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }
}
