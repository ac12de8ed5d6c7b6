package io.gatehouse.config;

import java.util.Optional;

/**
 * The path a proxy route sends a request to its backend with. By default the request's own target goes unchanged.
 *
 * @param template    {@code proxy.path}: a new path and optional query, with the route's captures and
 *                    {@code %{QUERY}}; the request's query is appended unless the template has a {@code ?}
 * @param stripPrefix {@code proxy.stripPrefix}: the route's {@code path} prefix is removed (what is left keeps
 *                    one leading slash) and the query kept
 */
public record ProxyPath(Optional<Template> template, boolean stripPrefix) {

    /** The request's own target, as received. */
    public static final ProxyPath UNCHANGED = new ProxyPath(Optional.empty(), false);

    /** @return whether the request's target goes to the backend as received */
    public boolean unchanged() {
        return template.isEmpty() && !stripPrefix;
    }
}
