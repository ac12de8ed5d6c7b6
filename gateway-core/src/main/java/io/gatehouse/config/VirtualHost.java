package io.gatehouse.config;

import java.util.List;

/**
 * A set of host names and what to do with their requests.
 *
 * @param name   a label for logs and metrics (the first host name unless given)
 * @param hosts  exact names, {@code *.suffix} wildcards, or {@code *}; lower case, no trailing dot
 * @param listen the listeners this vhost is bound to; empty means the gateway's default {@code listen}
 * @param action what it does
 */
public record VirtualHost(String name, List<String> hosts, List<ListenAddress> listen, Action action) {

    public VirtualHost {
        hosts = List.copyOf(hosts);
        listen = List.copyOf(listen);
    }
}
