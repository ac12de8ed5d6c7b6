package io.gatehouse.config;

import io.gatehouse.internal.config.Binders;
import io.gatehouse.internal.config.ConfigNode;
import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.config.ParsedTemplate;
import io.gatehouse.internal.config.Problems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The rules a record cannot check alone, in one place for every way a configuration is made: {@link ConfigReader}
 * runs them on what it bound from YAML or the builder, placing each problem where its value was written, and
 * {@link GatewayConfig#validate()} runs them on records built in code, placing each problem at line 0 under the key
 * path YAML would have. The rules: a host pattern belongs to one vhost per listener, the admin listener shares no
 * public listener, and a route's templates use only groups its {@code match} has. For records built in code the
 * host patterns are also read as YAML reads them, since the vhost table relies on their normal form.
 */
final class CrossChecks {

    private CrossChecks() {
    }

    /**
     * Where a value was written.
     *
     * @param line    1-based, or 0 for a value built in code
     * @param column  1-based, or 0
     * @param keyPath like {@code vhosts[1].hosts[0]}
     */
    record Place(int line, int column, String keyPath) {

        static Place at(ConfigNode node, String keyPath) {
            return new Place(node.line(), node.column(), keyPath);
        }

        static Place inCode(String keyPath) {
            return new Place(0, 0, keyPath);
        }
    }

    /**
     * What the rules need of one vhost.
     *
     * @param name   its name, for messages
     * @param path   like {@code vhosts[1]}
     * @param hosts  each host pattern and where it was written, in order; empty when its hosts or listeners have
     *               problems of their own, so that it is left out rather than compared as a placeholder
     * @param listen its own listeners; empty means the gateway's
     * @param listenAt where its own {@code listen} is written (its path in code)
     */
    record Claim(String name, String path, Map<String, Place> hosts, List<ListenAddress> listen, Place listenAt) {

        List<ListenAddress> listeners(List<ListenAddress> defaultListen) {
            return listen.isEmpty() ? defaultListen : listen;
        }
    }

    /** Every rule, for a configuration built from the records in code. */
    static void check(GatewayConfig config, Problems problems) {
        Binders binders = new Binders(problems, Path.of(""));
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < config.vhosts().size(); i++) {
            VirtualHost vhost = config.vhosts().get(i);
            String path = Keys.VHOSTS.name() + "[" + i + "]";
            claims.add(new Claim(vhost.name(), path, hostsAsRead(vhost, path, binders, problems), vhost.listen(),
                    Place.inCode(path + "." + Keys.VHOST_LISTEN.name())));
            for (int j = 0; j < vhost.routes().size(); j++) {
                refuseMissingGroups(vhost.routes().get(j), Place.inCode(path + "." + Keys.VHOST_ROUTES.name() + "[" + j + "]"),
                        problems);
            }
        }
        refuseMixedFlags(claims, config.listen(), Place.inCode(Keys.LISTEN.path()), problems);
        refuseConflicts(claims, config.listen(), problems);
        config.admin().listen().ifPresent(listen ->
                refuseSharedAdmin(listen, Place.inCode(Keys.ADMIN_LISTEN.path()), claims, config.listen(), problems));
    }

    /** {@code vhost}'s host patterns, each where YAML would have it; none when one is not as YAML would read it. */
    private static Map<String, Place> hostsAsRead(VirtualHost vhost, String path, Binders binders, Problems problems) {
        String hostsPath = path + "." + Keys.VHOST_HOSTS.name();
        int before = problems.count();
        List<String> read = Keys.VHOST_HOSTS.type().apply(binders).bind(ConfigNode.of(vhost.hosts()), hostsPath);
        if (problems.count() > before) {
            return Map.of();
        }
        if (!read.equals(vhost.hosts())) {
            problems.add(0, 0, hostsPath, "host patterns are lower case, without a trailing dot: write " + read
                    + ", not " + vhost.hosts());
            return Map.of();
        }
        Map<String, Place> hosts = new LinkedHashMap<>();
        for (int k = 0; k < read.size(); k++) {
            hosts.put(read.get(k), Place.inCode(hostsPath + "[" + k + "]"));
        }
        return hosts;
    }

    /**
     * Two vhosts claiming one host pattern on one listener would make routing depend on their order; nginx
     * warns ("conflicting server name") and ignores the second, Gatehouse refuses the configuration.
     */
    static void refuseConflicts(List<Claim> vhosts, List<ListenAddress> defaultListen, Problems problems) {
        // Only vhosts sharing a host pattern can conflict: index the earlier vhosts by pattern instead of comparing every
        // pair, which made checking 10,000 vhosts take seconds. Candidates are visited in configuration order, so the
        // problems and their order are those of the pairwise comparison.
        Map<String, List<Integer>> claimedBy = new HashMap<>();
        for (int j = 0; j < vhosts.size(); j++) {
            Claim later = vhosts.get(j);
            SortedSet<Integer> candidates = new TreeSet<>();
            later.hosts().keySet().forEach(host -> candidates.addAll(claimedBy.getOrDefault(host, List.of())));
            for (int i : candidates) {
                Claim earlier = vhosts.get(i);
                List<ListenAddress> shared = new ArrayList<>(earlier.listeners(defaultListen));
                shared.retainAll(later.listeners(defaultListen));
                if (shared.isEmpty()) {
                    continue;
                }
                later.hosts().forEach((host, at) -> {
                    if (earlier.hosts().containsKey(host)) {
                        problems.add(at.line(), at.column(), at.keyPath(), "'" + host + "' on " + shared.get(0)
                                + " is already claimed by vhost '" + earlier.name() + "' (" + earlier.path()
                                + "); a host pattern may belong to one vhost per listener");
                    }
                });
            }
            int index = j;
            later.hosts().keySet().forEach(host -> claimedBy.computeIfAbsent(host, h -> new ArrayList<>()).add(index));
        }
    }

    /**
     * One socket speaks one way: the same host and port written with different flags ({@code ":443"} and
     * {@code ":443 tls"}) would be two listeners on one socket. The later writing is reported.
     */
    static void refuseMixedFlags(List<Claim> vhosts, List<ListenAddress> defaultListen, Place defaultAt, Problems problems) {
        Map<String, ListenAddress> firstWritten = new HashMap<>();
        refuseMixedFlags(defaultListen, defaultAt, firstWritten, problems);
        for (Claim vhost : vhosts) {
            refuseMixedFlags(vhost.listen(), vhost.listenAt(), firstWritten, problems);
        }
    }

    private static void refuseMixedFlags(List<ListenAddress> listen, Place at, Map<String, ListenAddress> firstWritten,
                                         Problems problems) {
        for (ListenAddress address : listen) {
            ListenAddress first = firstWritten.putIfAbsent(address.speaking(false, false).toString(), address);
            if (first != null && !first.equals(address)) {
                problems.add(at.line(), at.column(), at.keyPath(), "'" + address + "' is written '" + first
                        + "' elsewhere; a listener speaks one way, so write the same flags wherever it appears");
                return;
            }
        }
    }

    /**
     * An admin address that a public listener also binds (same port, and the same host or either a wildcard) is
     * refused, so the admin endpoint can never be served on a public listener by accident.
     */
    static void refuseSharedAdmin(ListenAddress admin, Place at, List<Claim> vhosts, List<ListenAddress> defaultListen,
                                  Problems problems) {
        if (admin.tls() || admin.h2c()) {
            problems.add(at.line(), at.column(), at.keyPath(), "the admin listener speaks plain HTTP/1.1; write '"
                    + admin.speaking(false, false) + "' without flags");
            return;
        }
        for (Claim vhost : vhosts) {
            for (ListenAddress publicListener : vhost.listeners(defaultListen)) {
                if (overlaps(admin, publicListener)) {
                    problems.add(at.line(), at.column(), at.keyPath(), "the admin listener " + admin + " would share "
                            + publicListener + " with vhost '" + vhost.name() + "'; give it an address of its own, like 127.0.0.1:9901");
                    return;
                }
            }
        }
    }

    private static boolean overlaps(ListenAddress a, ListenAddress b) {
        return a.port() != 0 && a.port() == b.port()
                && (a.host().equalsIgnoreCase(b.host()) || isWildcard(a.host()) || isWildcard(b.host()));
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** Every {@code $n} of a route's templates needs a group {@code n} in its {@code match}. */
    static void refuseMissingGroups(Route route, Place at, Problems problems) {
        int groups = route.match().map(regex -> regex.pattern().matcher("").groupCount()).orElse(-1);
        int highest = templatesOf(route).stream().mapToInt(template -> ParsedTemplate.of(template).highestGroup()).max().orElse(-1);
        if (highest > groups) {
            problems.add(at.line(), at.column(), at.keyPath(), "uses $" + highest + ", but " + (groups < 0
                    ? "the route has no 'match' regex to capture it" : "its match '" + route.match().get() + "' has "
                    + (groups == 1 ? "1 group" : groups + " groups")));
        }
    }

    private static List<Template> templatesOf(Route route) {
        List<Template> templates = new ArrayList<>();
        if (route.action() instanceof RedirectConfig redirect) {
            templates.add(redirect.to());
        } else if (route.action() instanceof RewriteConfig rewrite) {
            templates.add(rewrite.to());
        } else if (route.action() instanceof RespondConfig respond) {
            respond.headers().forEach(header -> templates.add(header.value()));
        }
        route.proxyPath().template().ifPresent(templates::add);
        for (HeaderRules.Operations operations : List.of(route.headers().request(), route.headers().response())) {
            operations.set().forEach(header -> templates.add(header.value()));
            operations.add().forEach(header -> templates.add(header.value()));
        }
        return templates;
    }
}
