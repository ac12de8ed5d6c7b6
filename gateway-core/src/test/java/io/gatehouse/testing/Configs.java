package io.gatehouse.testing;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.Action;
import io.gatehouse.config.AdminConfig;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.LogConfig;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.ShutdownConfig;
import io.gatehouse.config.Timeouts;
import io.gatehouse.config.VirtualHost;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Configurations built straight from the records, for tests that are not about loading YAML. */
public final class Configs {

    private Configs() {
    }

    /** A vhost that echoes requests, on the gateway's default listeners. */
    public static VirtualHost echo(String name, String... hosts) {
        return vhost(name, List.of(hosts), List.of(), new EchoConfig());
    }

    public static VirtualHost vhost(String name, List<String> hosts, List<ListenAddress> listen, Action action) {
        return new VirtualHost(name, hosts, listen, action);
    }

    /** A gateway on 127.0.0.1 with an ephemeral port, access log off. */
    public static GatewayConfig gateway(VirtualHost... vhosts) {
        return gateway(List.of(new ListenAddress("127.0.0.1", 0)), AccessLogConfig.OFF_CONFIG, vhosts);
    }

    public static GatewayConfig gateway(List<ListenAddress> listen, AccessLogConfig accessLog, VirtualHost... vhosts) {
        return gateway(listen, ForwardedConfig.DEFAULTS, Timeouts.DEFAULTS, Limits.DEFAULTS, accessLog, vhosts);
    }

    /** A gateway of these records, without the daemon's keys and with every other setting at its default. */
    public static GatewayConfig gateway(List<ListenAddress> listen, ForwardedConfig forwarded, Timeouts timeouts, Limits limits,
                                        AccessLogConfig accessLog, VirtualHost... vhosts) {
        return new GatewayConfig(listen, forwarded, timeouts, limits, accessLog, ShutdownConfig.DEFAULTS, List.of(vhosts),
                Optional.empty(), AdminConfig.OFF, Optional.empty(), false, LogConfig.DEFAULTS);
    }

    /**
     * A proxy built the way users build one, through {@link GatewayConfigBuilder.ProxyBuilder}, so its defaults and
     * validation are the loader's (timeouts not set are the gateway defaults').
     */
    public static ProxyConfig proxy(Consumer<GatewayConfigBuilder.ProxyBuilder> definition) {
        try {
            GatewayConfig config = GatewayConfig.builder().vhost(v -> v.hosts("*").proxy(definition)).build();
            return (ProxyConfig) config.vhosts().get(0).action();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
