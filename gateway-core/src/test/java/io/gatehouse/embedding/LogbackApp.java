package io.gatehouse.embedding;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;

/**
 * An application that embeds Gatehouse and logs through SLF4J + Logback, run by {@link LogbackEmbeddingTest} in a
 * JVM of its own with Logback and the System.Logger bridge on its class path: it proxies one request to a refused
 * port, so the gateway logs a 502, with the access log going to a logger, and stops. Exits 0 when the answer was
 * 502, 1 otherwise.
 */
public final class LogbackApp {

    private LogbackApp() {
    }

    public static void main(String[] args) throws Exception {
        int status;
        try (RefusedPort down = RefusedPort.open();
             Gateway gateway = Gateway.start(GatewayConfig.builder()
                     .listen("127.0.0.1:0")
                     .accessLog(a -> a.path(AccessLogConfig.LOGGER).format(AccessLogConfig.Format.COMBINED))
                     .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + down.port())))
                     .build())) {
            status = RawHttp.exchange(gateway.addresses().get(0),
                    "GET /y HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").status();
        }
        System.exit(status == 502 ? 0 : 1);
    }
}
