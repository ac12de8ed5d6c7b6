package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Records built in code refuse what the YAML loader refuses, with a message that names the YAML key (the loader
 * reports such values itself, with file, line and column, before any record is built).
 */
class RecordValidationTest {

    private static final List<URI> ONE_BACKEND = List.of(URI.create("http://127.0.0.1:8080"));

    @Test
    void aTimeoutOfZeroNamesItsKey() {
        assertRefused("timeouts.idle: must be more than 0, got 0ms",
                () -> new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(60)));
    }

    @Test
    void aLimitOutsideItsRangeNamesItsKey() {
        assertRefused("limits.maxHeaders: must be 1 to 100000, got 0",
                () -> new Limits(1024, 16 * 1024, 0, 8 * 1024, Limits.EncodedSlashes.REFUSE));
        assertRefused("limits.maxHeaderBytes: must be 1024 or more, got 512",
                () -> new Limits(1024, 512, 100, 8 * 1024, Limits.EncodedSlashes.REFUSE));
    }

    @Test
    void aProxyNeedsABackend() {
        assertRefused("proxy.backends: expected at least one", () -> proxy(List.of(), 64, 0));
    }

    @Test
    void proxyPoolSettingsOutsideTheirRangesNameTheirKeys() {
        assertRefused("proxy.connections: must be 1 or more, got 0", () -> proxy(ONE_BACKEND, 0, 0));
        assertRefused("proxy.retries: must be 0 to 100, got 101", () -> proxy(ONE_BACKEND, 64, 101));
    }

    @Test
    void healthSettingsNameTheirKeys() {
        assertRefused("proxy.health.failures: must be 1 to 1000, got 0",
                () -> new ProxyConfig.Health(0, Duration.ofSeconds(10), Optional.empty()));
        assertRefused("proxy.health.path: expected a path like /healthz, got 'healthz'",
                () -> new ProxyConfig.Check("healthz", Duration.ofSeconds(5), 200));
        assertRefused("proxy.health.expect: must be 100 to 599, got 600",
                () -> new ProxyConfig.Check("/healthz", Duration.ofSeconds(5), 600));
    }

    @Test
    void aNoContentResponseHasNoBody() {
        assertRefused("respond.body: a 204 response has no body", () -> new RespondConfig(204, Optional.of("gone"), List.of()));
    }

    @Test
    void aRedirectStatusIsARedirect() {
        assertRefused("redirect.status: expected one of [301, 302, 303, 307, 308], got 200",
                () -> new RedirectConfig(Template.parse("/", Template.Use.TARGET), 200));
    }

    @Test
    void aVhostNeedsAHost() {
        assertRefused("vhost 'app': hosts: expected at least one", () -> new VirtualHost("app", List.of(), List.of(), new EchoConfig()));
    }

    @Test
    void aGatewayNeedsAVhost() {
        assertRefused("vhosts: expected at least one", () -> new GatewayConfig(GatewayConfig.DEFAULT_LISTEN, ForwardedConfig.DEFAULTS,
                Timeouts.DEFAULTS, Limits.DEFAULTS, AccessLogConfig.DEFAULTS, ShutdownConfig.DEFAULTS, List.of(), Optional.empty(),
                AdminConfig.OFF, Optional.empty(), false, LogConfig.DEFAULTS));
    }

    @Test
    void aNegativeDrainTimeoutNamesItsKey() {
        assertRefused("shutdown.drainTimeout: must be 0 or more, got -1000ms", () -> new ShutdownConfig(Duration.ofSeconds(-1)));
    }

    private static ProxyConfig proxy(List<URI> backends, int connections, int retries) {
        return new ProxyConfig(backends, true, Duration.ofSeconds(5), Duration.ofSeconds(60), connections, 1024,
                ProxyConfig.DEFAULT_BALANCE, ProxyConfig.Health.DEFAULTS, retries, ProxyConfig.DEFAULT_IDLE_TIMEOUT,
                ProxyConfig.NO_CONNECTION_CAP);
    }

    private static void assertRefused(String message, Executable construction) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, construction).getMessage());
    }
}
