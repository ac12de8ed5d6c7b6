package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The builder takes a choice as its enum constant as well as by its YAML spelling, with the same result. */
class BuilderTypedChoicesTest {

    @Test
    void aBalanceConstantIsTheSameAsItsSpelling() throws Exception {
        for (ProxyConfig.Balance balance : ProxyConfig.Balance.values()) {
            ProxyConfig typed = proxy(p -> p.balance(balance));
            assertEquals(balance, typed.balance());
            assertEquals(proxy(p -> p.balance(Keys.spelling(balance))), typed);
        }
    }

    @Test
    void anUnderscoresConstantIsTheSameAsItsSpelling() throws Exception {
        for (ForwardedConfig.Underscores policy : ForwardedConfig.Underscores.values()) {
            GatewayConfig typed = echo().underscoresInHeaders(policy).build();
            GatewayConfig spelled = echo().underscoresInHeaders(Keys.spelling(policy)).build();
            assertEquals(policy, typed.forwarded().underscores());
            assertEquals(spelled.forwarded(), typed.forwarded());
        }
    }

    private static GatewayConfigBuilder echo() {
        return GatewayConfig.builder().vhost(v -> v.hosts("*").echo());
    }

    /** The proxy of a vhost with two backends, {@code balance} given as {@code choose} writes it. */
    private static ProxyConfig proxy(Consumer<GatewayConfigBuilder.ProxyBuilder> choose) throws ConfigException {
        GatewayConfig config = GatewayConfig.builder().vhost(v -> v.hosts("*").proxy(p -> {
            p.backend("http://127.0.0.1:8080").backend("http://127.0.0.1:8081");
            choose.accept(p);
        })).build();
        return (ProxyConfig) config.vhosts().get(0).routes().get(0).action();
    }
}
