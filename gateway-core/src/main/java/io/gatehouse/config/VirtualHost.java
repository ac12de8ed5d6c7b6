package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code vhosts}: a set of host names and what to do with their requests.
 *
 * @param name   a label for logs and metrics (the first host name unless given)
 * @param hosts  exact names, {@code *.suffix} wildcards, or {@code *}; lower case, no trailing dot
 * @param listen the listeners this vhost is bound to; empty means the gateway's default {@code listen}
 * @param routes tried in order, the first that matches serves the request; never empty. The YAML shorthand of one
 *               action on the vhost ({@code proxy:}, {@code files:}, {@code echo:}) is one catch-all route.
 * @param tls    its own certificate, HTTPS redirect and HSTS ({@code tls}); {@link VhostTls#NONE} unless configured
 * @param hostsAt where each of {@code hosts} was written, in the same order, for warnings about a host; empty in code
 */
public record VirtualHost(String name, List<String> hosts, List<ListenAddress> listen, List<Route> routes, VhostTls tls,
                          List<Route.Origin> hostsAt) {

    /**
     * Copies the lists; checks there is a host and a route.
     *
     * @param name   a label
     * @param hosts  at least one host pattern
     * @param listen its own listeners; empty for the gateway's
     * @param routes at least one route
     * @param tls    not null; {@link VhostTls#NONE} for none
     * @param hostsAt one place per host, or empty
     * @throws IllegalArgumentException when {@code hosts} or {@code routes} is empty, or {@code hostsAt} is neither
     *                                  empty nor as long as {@code hosts}
     * @throws NullPointerException     when a list or {@code tls} is null
     */
    public VirtualHost {
        if (RecordChecks.present(Keys.VHOST_HOSTS, hosts).isEmpty()) {
            throw new IllegalArgumentException("vhost '" + name + "': " + Keys.VHOST_HOSTS.name() + ": expected at least one");
        }
        hosts = List.copyOf(hosts);
        listen = List.copyOf(listen);
        routes = List.copyOf(routes);
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("a vhost needs at least one route");
        }
        RecordChecks.present(Keys.VHOST_TLS_GROUP, tls);
        hostsAt = List.copyOf(hostsAt);
        if (!hostsAt.isEmpty() && hostsAt.size() != hosts.size()) {
            throw new IllegalArgumentException("vhost '" + name + "': " + hostsAt.size() + " places for " + hosts.size()
                    + " hosts");
        }
    }

    /**
     * Whether {@code other} is the same vhost: where its hosts were written does not matter, so a vhost read from YAML
     * equals the one built in code from the same values.
     *
     * @param other any object
     * @return whether it is a {@code VirtualHost} with equal name, hosts, listeners, routes and {@code tls}
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof VirtualHost vhost && Objects.equals(name, vhost.name) && hosts.equals(vhost.hosts)
                && listen.equals(vhost.listen) && routes.equals(vhost.routes) && tls.equals(vhost.tls);
    }

    /** @return a hash of the components {@link #equals(Object)} compares */
    @Override
    public int hashCode() {
        return Objects.hash(name, hosts, listen, routes, tls);
    }

    /**
     * A vhost built in code: no places for its hosts.
     *
     * @param name   a label
     * @param hosts  at least one host pattern
     * @param listen its own listeners; empty for the gateway's
     * @param routes at least one route
     * @param tls    not null; {@link VhostTls#NONE} for none
     * @throws IllegalArgumentException when {@code hosts} or {@code routes} is empty
     * @throws NullPointerException     when a list or {@code tls} is null
     */
    public VirtualHost(String name, List<String> hosts, List<ListenAddress> listen, List<Route> routes, VhostTls tls) {
        this(name, hosts, listen, routes, tls, List.of());
    }

    /**
     * A vhost without {@code tls} ({@link VhostTls#NONE}): the canonical constructor before TLS listeners existed.
     *
     * @param name   a label
     * @param hosts  at least one host pattern
     * @param listen its own listeners; empty for the gateway's
     * @param routes at least one route
     * @throws IllegalArgumentException when {@code hosts} or {@code routes} is empty
     * @throws NullPointerException     when a list is null
     */
    public VirtualHost(String name, List<String> hosts, List<ListenAddress> listen, List<Route> routes) {
        this(name, hosts, listen, routes, VhostTls.NONE);
    }

    /**
     * The action of a vhost written in the shorthand form (one route without conditions), as the foundation's
     * single-action vhost had it.
     *
     * @return the action of its only route
     * @throws IllegalStateException when the vhost has real routes: read {@link #routes()} then
     */
    public Action action() {
        Route only = routes.get(0);
        if (routes.size() != 1 || !only.matchesEverything() || !only.proxyPath().unchanged() || !only.headers().isEmpty()) {
            throw new IllegalStateException("vhost '" + name + "' has routes; read routes() instead of action()");
        }
        return only.action();
    }

    /**
     * The shorthand form: {@code action} for every request.
     *
     * @param name   a label
     * @param hosts  at least one host pattern
     * @param listen its own listeners; empty for the gateway's
     * @param action what every request gets
     * @throws IllegalArgumentException when {@code hosts} is empty
     */
    public VirtualHost(String name, List<String> hosts, List<ListenAddress> listen, Action action) {
        this(name, hosts, listen, List.of(Route.catchAll(action)));
    }
}
