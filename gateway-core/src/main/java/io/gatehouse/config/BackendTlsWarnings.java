package io.gatehouse.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a proxy's {@code tls} makes valid but unsafe or pointless: {@code insecureSkipVerify: true}, which lets anyone
 * on the path to an https backend read and change the traffic, and {@code tls} on a proxy without an https backend,
 * where it does nothing. Each warning names the key of the proxy's route, with the route's line when it has one.
 */
final class BackendTlsWarnings {

    private BackendTlsWarnings() {
    }

    static List<ConfigProblem> warnings(GatewayConfig config) {
        List<ConfigProblem> warnings = new ArrayList<>();
        List<VirtualHost> vhosts = config.vhosts();
        for (int v = 0; v < vhosts.size(); v++) {
            for (Route route : vhosts.get(v).routes()) {
                if (route.action() instanceof ProxyConfig proxy && !proxy.tls().equals(ProxyConfig.Tls.DEFAULTS)) {
                    Route.Origin origin = route.origin().keyPath().isEmpty()
                            ? new Route.Origin(config.source().map(Object::toString), 0, 0, "vhosts[" + v + "]")
                            : route.origin();
                    warn(proxy, origin, warnings);
                }
            }
        }
        return warnings;
    }

    private static void warn(ProxyConfig proxy, Route.Origin at, List<ConfigProblem> warnings) {
        String tls = at.keyPath() + ".proxy.tls";
        if (proxy.backends().stream().noneMatch(backend -> "https".equals(backend.getScheme()))) {
            warnings.add(at(at, tls, "has no effect: no backend of this proxy is https://"));
        } else if (proxy.tls().insecureSkipVerify()) {
            warnings.add(at(at, tls + ".insecureSkipVerify", "true: the certificates of https backends are not verified, so "
                    + "anyone on the network path to them can read and change the traffic; give tls.ca instead"));
        }
    }

    private static ConfigProblem at(Route.Origin origin, String keyPath, String message) {
        Optional<String> file = origin.file();
        return new ConfigProblem(file, origin.line(), origin.column(), keyPath, message);
    }
}
