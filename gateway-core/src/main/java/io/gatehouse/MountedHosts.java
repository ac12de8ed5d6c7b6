package io.gatehouse;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.VirtualHost;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one rule a mounted gateway adds to a configuration's own: it serves every vhost whatever its {@code listen},
 * so two vhosts claiming one host pattern on different listeners, valid on the gateway's own listeners, would leave
 * routing to their order. Refused, as nginx refuses a {@code server_name} twice on one port.
 */
final class MountedHosts {

    private MountedHosts() {
    }

    /**
     * @throws ConfigException naming every host pattern claimed by a second vhost, under its YAML key path
     */
    static void check(GatewayConfig config) {
        Map<String, Integer> claimedBy = new HashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        List<VirtualHost> vhosts = config.vhosts();
        for (int v = 0; v < vhosts.size(); v++) {
            List<String> hosts = vhosts.get(v).hosts();
            for (int h = 0; h < hosts.size(); h++) {
                Integer earlier = claimedBy.putIfAbsent(hosts.get(h).toLowerCase(Locale.ROOT), v);
                if (earlier != null && earlier != v) {
                    problems.add(new ConfigProblem(Optional.empty(), 0, 0, "vhosts[" + v + "].hosts[" + h + "]",
                            "'" + hosts.get(h) + "' is already claimed by vhost '" + vhosts.get(earlier).name()
                                    + "' (vhosts[" + earlier + "]); mounted, a gateway serves every vhost whatever its "
                                    + "listen, so a host pattern may belong to one vhost only"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
