package bench.peers;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;

/**
 * Spring Cloud Gateway (server-webflux, on Reactor Netty) as a benchmark peer of Gatehouse: one route, matched by
 * the Host predicate ({@code peer.host}, default 127.0.0.1, with or without a port; any other Host gets the
 * gateway's 404), to {@code peer.backend} with the {@code PreserveHostHeader} filter; the gateway's X-Forwarded-*
 * filter (on for clients from 127.0.0.1, the trusted proxies) and its keep-alive connection pool; no access log
 * (the default). Listens on 127.0.0.1:{@code peer.port}; with {@code peer.keystore} (PKCS12, password
 * {@code peer.password}) it speaks TLS with HTTP/2 enabled. Exits if the application context fails to start.
 */
@SpringBootApplication
public class SpringPeer {
    public static void main(String[] args) {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "server.address", "127.0.0.1",
                "server.port", System.getProperty("peer.port"),
                "spring.main.banner-mode", "off",
                // The gateway adds X-Forwarded-* only for clients it trusts; the load generators are on loopback.
                "spring.cloud.gateway.server.webflux.trusted-proxies", "127\\.0\\.0\\.1"));
        String keystore = System.getProperty("peer.keystore");
        if (keystore != null) {
            settings.putAll(Map.of(
                    "server.ssl.key-store", keystore,
                    "server.ssl.key-store-type", "PKCS12",
                    "server.ssl.key-store-password", System.getProperty("peer.password", "bench"),
                    "server.http2.enabled", "true"));
        }
        SpringApplication application = new SpringApplication(SpringPeer.class);
        application.setDefaultProperties(settings);
        application.run(args);
    }

    @Bean
    RouteLocator routes(RouteLocatorBuilder builder) {
        String host = System.getProperty("peer.host", "127.0.0.1");
        return builder.routes()
                .route("bench", route -> route.host(host, host + ":*")
                        .filters(filters -> filters.preserveHostHeader())
                        .uri(System.getProperty("peer.backend")))
                .build();
    }
}
