package io.gatehouse.config;

import io.gatehouse.internal.config.ConfigNode;
import io.gatehouse.internal.config.Problems;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link ProxyConfig} made on its own, validated as the {@code proxy} of a YAML vhost is, to be used by more than
 * one vhost or route ({@code vhost(v -> v.hosts("*").proxy(shared))}):
 *
 * <pre>{@code
 * ProxyConfig shared = ProxyConfig.builder()
 *         .backend("http://127.0.0.1:9000")
 *         .backend("http://127.0.0.1:9001")
 *         .connectTimeout(Duration.ofSeconds(2))
 *         .passiveHealth(h -> h.failures(5).coolOff(Duration.ofSeconds(30)))
 *         .build();
 * }</pre>
 *
 * Its timeouts not given are the defaults of the top-level {@code timeouts} (connect 5s, response 60s), not those
 * of a gateway it is later used in: the proxy is complete when built. Not thread-safe.
 */
public final class ProxyConfigBuilder extends GatewayConfigBuilder.ProxySettings<ProxyConfigBuilder> {

    ProxyConfigBuilder() {
        super(new BuilderValues());
    }

    /**
     * Validates the settings made so far and makes the proxy.
     *
     * @return the proxy
     * @throws ConfigException with every problem, each with its key path under {@code proxy}
     *                         ({@code proxy.backends[0]}) and line and column 0
     */
    public ProxyConfig build() throws ConfigException {
        Problems problems = new Problems(Optional.empty());
        ProxyConfig proxy = new ConfigReader(problems, Path.of("")).readProxy(ConfigNode.of(keys.tree()));
        problems.throwIfAny();
        return proxy;
    }
}
