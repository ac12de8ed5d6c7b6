package io.gatehouse;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Mounted, a gateway serves every vhost whatever its {@code listen}, so two vhosts that claim one host pattern on
 * different listeners (valid on Gatehouse's own listeners) would leave routing to their order: the handler refuses
 * them, on creation and on reload, rather than let the first one win silently.
 */
@Timeout(30)
class MountedHostClaimsTest {

    private static GatewayConfig sameHostOnTwoListeners() {
        return GatewayConfig.builder()
                .vhost(v -> v.name("public").hosts("app.test").listen("127.0.0.1:0").echo())
                .vhost(v -> v.name("internal").hosts("app.test").listen("127.0.0.2:0").echo())
                .build();
    }

    private static final String CLAIMED_TWICE = "vhosts[1].hosts[0]: 'app.test' is already claimed by vhost 'public' "
            + "(vhosts[0]); mounted, a gateway serves every vhost whatever its listen, so a host pattern may belong to "
            + "one vhost only";

    @Test
    void aHostClaimedOnTwoListenersIsValidOnTheGatewaysOwnListeners() {
        assertEquals(2, sameHostOnTwoListeners().vhosts().size());
    }

    @Test
    void aMountedHandlerRefusesAHostClaimedOnTwoListeners() {
        ConfigException refused = assertThrows(ConfigException.class, () -> Gateway.handler(sameHostOnTwoListeners()));

        assertEquals(CLAIMED_TWICE, refused.getMessage());
    }

    @Test
    void aMountedReloadRefusesAHostClaimedOnTwoListenersAndKeepsServing() {
        GatewayConfig first = GatewayConfig.builder().vhost(v -> v.hosts("app.test").echo()).build();
        try (GatewayHandler mounted = Gateway.handler(first)) {
            ConfigException refused = assertThrows(ConfigException.class, () -> mounted.reload(sameHostOnTwoListeners()));

            assertEquals(CLAIMED_TWICE, refused.getMessage());
            assertEquals(first, mounted.config());
        }
    }
}
