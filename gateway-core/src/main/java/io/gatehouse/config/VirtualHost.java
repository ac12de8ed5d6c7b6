package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.util.List;

/**
 * One entry of {@code vhosts}: a set of host names and what to do with their requests.
 *
 * @param name   a label for logs and metrics (the first host name unless given)
 * @param hosts  exact names, {@code *.suffix} wildcards, or {@code *}; lower case, no trailing dot
 * @param listen the listeners this vhost is bound to; empty means the gateway's default {@code listen}
 * @param routes tried in order, the first that matches serves the request; never empty. The YAML shorthand of one
 *               action on the vhost ({@code proxy:}, {@code files:}, {@code echo:}) is one catch-all route.
 * @param tls    its own certificate, HTTPS redirect and HSTS ({@code tls}); {@link VhostTls#NONE} unless configured
 */
public record VirtualHost(String name, List<String> hosts, List<ListenAddress> listen, List<Route> routes, VhostTls tls) {

    /**
     * Copies the lists; checks there is a host and a route.
     *
     * @param name   a label
     * @param hosts  at least one host pattern
     * @param listen its own listeners; empty for the gateway's
     * @param routes at least one route
     * @param tls    not null; {@link VhostTls#NONE} for none
     * @throws IllegalArgumentException when {@code hosts} or {@code routes} is empty
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
