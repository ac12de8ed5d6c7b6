package io.gatehouse.config;

import io.gatehouse.config.GatewayConfigBuilder.ProxyBuilder;
import io.gatehouse.testing.Configs;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@link ProxyConfig#poolKey()}: proxies share one pool exactly when every setting is equal. (SharedProxyTest shows
 * the sharing on a real gateway.)
 */
class ProxyPoolKeyTest {

    private static final Consumer<ProxyBuilder> BASE = p -> p.backend("http://127.0.0.1:8080").backend("http://127.0.0.1:8081");

    /** One change of each setting, by the record component it lands in. */
    private static final Map<String, Consumer<ProxyBuilder>> CHANGES = new LinkedHashMap<>();

    static {
        CHANGES.put("backends", p -> p.backend("http://127.0.0.1:8082"));
        CHANGES.put("preserveHost", p -> p.preserveHost(false));
        CHANGES.put("connectTimeout", p -> p.connectTimeout(Duration.ofSeconds(1)));
        CHANGES.put("responseTimeout", p -> p.responseTimeout(Duration.ofSeconds(1)));
        CHANGES.put("connectionsPerBackend", p -> p.connections(1));
        CHANGES.put("queueSize", p -> p.queue(1));
        CHANGES.put("balance", p -> p.balance(ProxyConfig.Balance.IP_HASH));
        CHANGES.put("health", p -> p.passiveHealth(h -> h.failures(5)));
        CHANGES.put("health.coolOff", p -> p.passiveHealth(h -> h.coolOff(Duration.ofSeconds(1))));
        CHANGES.put("health.check", p -> p.healthCheck(h -> h.path("/healthz")));
        CHANGES.put("retries", p -> p.retries(0));
        CHANGES.put("idleTimeout", p -> p.idleTimeout(Duration.ofSeconds(1)));
        CHANGES.put("maxConnections", p -> p.maxConnections(8));
        CHANGES.put("tls", p -> p.tls(t -> t.insecureSkipVerify(true)));
        CHANGES.put("readTimeout", p -> p.readTimeout(Duration.ofSeconds(1)));
    }

    @Test
    void equalSettingsGiveEqualKeys() {
        assertEquals(proxy(BASE).poolKey(), proxy(BASE).poolKey());
        assertEquals(proxy(BASE).poolKey().hashCode(), proxy(BASE).poolKey().hashCode());
    }

    @Test
    void aChangeOfAnySettingGivesAnotherKey() {
        ProxyConfig.PoolKey base = proxy(BASE).poolKey();
        CHANGES.forEach((setting, change) -> assertNotEquals(base, proxy(BASE.andThen(change)).poolKey(), setting));
    }

    @Test
    void activeCheckSettingsAreInTheKey() {
        ProxyConfig.PoolKey checked = proxy(BASE.andThen(p -> p.healthCheck(h -> h.path("/healthz")))).poolKey();

        assertNotEquals(checked, proxy(BASE.andThen(p -> p.healthCheck(h -> h.path("/ready")))).poolKey());
        assertNotEquals(checked, proxy(BASE.andThen(p -> p.healthCheck(h -> h.path("/healthz").interval(Duration.ofSeconds(1))))).poolKey());
        assertNotEquals(checked, proxy(BASE.andThen(p -> p.healthCheck(h -> h.path("/healthz").expect(204)))).poolKey());
    }

    @Test
    void everyComponentOfTheRecordIsChangedAbove() {
        Set<String> components = new TreeSet<>(Arrays.stream(ProxyConfig.class.getRecordComponents()).map(RecordComponent::getName).toList());
        Set<String> changed = new TreeSet<>(CHANGES.keySet().stream().map(setting -> setting.replaceFirst("\\..*", "")).toList());

        assertEquals(components, changed, "a new ProxyConfig component needs a change here and a place in poolKey()");
    }

    private static ProxyConfig proxy(Consumer<ProxyBuilder> definition) {
        return Configs.proxy(definition);
    }
}
