package io.gatehouse.testing;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.Action;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ShutdownConfig;
import io.gatehouse.config.Timeouts;
import io.gatehouse.config.VirtualHost;

import java.util.List;
import java.util.Optional;

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
        return new GatewayConfig(listen, ForwardedConfig.DEFAULTS, Timeouts.DEFAULTS, Limits.DEFAULTS,
                accessLog, ShutdownConfig.DEFAULTS, List.of(vhosts), Optional.empty());
    }
}
