package io.gatehouse;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.AdminConfig;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.HeaderRules;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.LogConfig;
import io.gatehouse.config.ProxyPath;
import io.gatehouse.config.RedirectConfig;
import io.gatehouse.config.Regex;
import io.gatehouse.config.Route;
import io.gatehouse.config.ShutdownConfig;
import io.gatehouse.config.Template;
import io.gatehouse.config.Timeouts;
import io.gatehouse.config.VirtualHost;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A configuration built from the records in code is checked like a YAML file before it is served: what one record
 * cannot see (a host claimed twice, an admin listener on a public one, a template's missing group) is a
 * {@link ConfigException} from {@code start}, {@code handler} and {@code reload}, naming each problem under the key
 * path YAML would have.
 */
@Timeout(30)
class InvalidRecordsAreRefusedTest {

    private static final String TWO_CATCH_ALLS = "vhosts[1].hosts[0]: '*' on 127.0.0.1:0 is already claimed by vhost 'a' "
            + "(vhosts[0]); a host pattern may belong to one vhost per listener";

    @Test
    void aMountedHandlerRefusesTwoCatchAllVhosts() {
        ConfigException refused = assertThrows(ConfigException.class,
                () -> Gateway.handler(gateway(echo("a", "*"), echo("b", "*"))));

        assertEquals(TWO_CATCH_ALLS, refused.getMessage());
    }

    @Test
    void startRefusesTwoCatchAllVhostsBeforeBindingAnything() throws IOException {
        int port = UnusedPort.next();
        GatewayConfig config = gateway(List.of(new ListenAddress("127.0.0.1", port)), AccessLogConfig.OFF_CONFIG,
                echo("a", "*"), echo("b", "*"));

        ConfigException refused = assertThrows(ConfigException.class, () -> Gateway.start(config));

        assertEquals("vhosts[1].hosts[0]: '*' on 127.0.0.1:" + port + " is already claimed by vhost 'a' (vhosts[0]); "
                + "a host pattern may belong to one vhost per listener", refused.getMessage());
        try (ServerSocket free = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, free.getLocalPort(), "nothing was bound");
        }
    }

    @Test
    void aProblemOfRecordsBuiltInCodeHasNoFileLineOrColumn() {
        ConfigProblem problem = assertThrows(ConfigException.class,
                () -> Gateway.handler(gateway(echo("a", "*"), echo("b", "*")))).problems().get(0);

        assertEquals(new ConfigProblem(Optional.empty(), 0, 0, "vhosts[1].hosts[0]", TWO_CATCH_ALLS.substring(20)), problem);
    }

    @Test
    void reloadRefusesTwoCatchAllVhostsAndKeepsServingTheOldConfiguration() {
        GatewayConfig first = gateway(echo("a", "*"));
        try (Gateway gateway = Gateway.start(first)) {
            ConfigException refused = assertThrows(ConfigException.class,
                    () -> gateway.reload(gateway(echo("a", "*"), echo("b", "*"))));

            assertEquals(TWO_CATCH_ALLS, refused.getMessage());
            assertSame(first, gateway.config());
        }
    }

    @Test
    void anAdminListenerOnAPublicListenerIsRefused() {
        GatewayConfig config = new GatewayConfig(List.of(new ListenAddress("0.0.0.0", 8080)), ForwardedConfig.DEFAULTS,
                Timeouts.DEFAULTS, Limits.DEFAULTS, AccessLogConfig.OFF_CONFIG, ShutdownConfig.DEFAULTS, List.of(echo("a", "*")),
                Optional.empty(), new AdminConfig(Optional.of(new ListenAddress("127.0.0.1", 8080)), List.of()), Optional.empty(),
                false, LogConfig.DEFAULTS);

        assertEquals("admin.listen: the admin listener 127.0.0.1:8080 would share 0.0.0.0:8080 with vhost 'a'; "
                + "give it an address of its own, like 127.0.0.1:9901",
                assertThrows(ConfigException.class, () -> Gateway.handler(config)).getMessage());
    }

    @Test
    void aTemplateUsingAGroupItsMatchLacksIsRefused() {
        Route route = new Route(Optional.empty(), Optional.of(new Regex(Pattern.compile("^/old/(.*)$"))), List.of(),
                Optional.empty(), new RedirectConfig(Template.parse("/new/$2", Template.Use.TARGET), 301), ProxyPath.UNCHANGED,
                HeaderRules.NONE, Route.Origin.UNKNOWN);
        GatewayConfig config = gateway(new VirtualHost("a", List.of("*"), List.of(), List.of(route)));

        assertEquals("vhosts[0].routes[0]: uses $2, but its match '^/old/(.*)$' has 1 group",
                assertThrows(ConfigException.class, () -> Gateway.handler(config)).getMessage());
    }

    @Test
    void aHostPatternYamlWouldRefuseIsRefused() {
        assertEquals("vhosts[0].hosts[0]: invalid host pattern 'www.*.example': expected an exact name (example.com), "
                        + "a wildcard (*.example.com) or * for any host; '*' is only allowed as the whole first label",
                assertThrows(ConfigException.class, () -> Gateway.handler(gateway(echo("a", "www.*.example"))))
                        .getMessage());
    }

    @Test
    void aHostPatternNotInItsNormalFormIsRefusedSinceItWouldNeverMatch() {
        assertEquals("vhosts[0].hosts: host patterns are lower case, without a trailing dot: write [www.example.com], "
                        + "not [WWW.Example.com.]",
                assertThrows(ConfigException.class, () -> Gateway.handler(gateway(echo("a", "WWW.Example.com."))))
                        .getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        GatewayConfig config = gateway(echo("a", "*", "app.test"), echo("b", "app.test", "*"));

        assertEquals(List.of("vhosts[1].hosts[0]", "vhosts[1].hosts[1]"),
                assertThrows(ConfigException.class, () -> Gateway.handler(config)).problems().stream()
                        .map(ConfigProblem::keyPath).toList());
    }

    @Test
    void aGatewayWithoutAVhostCannotBeBuilt() {
        assertEquals("vhosts: expected at least one", assertThrows(IllegalArgumentException.class, () -> new GatewayConfig(
                GatewayConfig.DEFAULT_LISTEN, ForwardedConfig.DEFAULTS, Timeouts.DEFAULTS, Limits.DEFAULTS,
                AccessLogConfig.OFF_CONFIG, ShutdownConfig.DEFAULTS, List.of(), Optional.empty(), AdminConfig.OFF,
                Optional.empty(), false, LogConfig.DEFAULTS)).getMessage());
    }

    @Test
    void aGatewayWithoutAListenerCannotBeBuilt() {
        assertEquals("listen: expected at least one", assertThrows(IllegalArgumentException.class, () -> new GatewayConfig(
                List.of(), ForwardedConfig.DEFAULTS, Timeouts.DEFAULTS, Limits.DEFAULTS, AccessLogConfig.OFF_CONFIG,
                ShutdownConfig.DEFAULTS, List.of(new VirtualHost("a", List.of("*"), List.of(), new EchoConfig())),
                Optional.empty(), AdminConfig.OFF, Optional.empty(), false, LogConfig.DEFAULTS)).getMessage());
    }
}
