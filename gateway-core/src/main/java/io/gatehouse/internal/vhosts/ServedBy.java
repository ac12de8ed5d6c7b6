package io.gatehouse.internal.vhosts;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * The vhost and the route that served a request, as logs and metrics name them. Made once per vhost and once per
 * route when the handler tree is built, and attached as it is: marking a request allocates nothing, and both names
 * take one attachment (the request's sixth would make Undertow grow its attachment table).
 *
 * @param vhost the vhost's name, or {@link #NONE}
 * @param route the route, named by its conditions ({@code path /api/}, {@code any request}), or {@link #NONE}
 */
public record ServedBy(String vhost, String route) {

    /** What logs and metrics record for a request no vhost or no route took (bad host, 404, 421). */
    public static final String NONE = "-";

    private static final ServedBy NOBODY = new ServedBy(NONE, NONE);
    private static final AttachmentKey<ServedBy> KEY = AttachmentKey.create(ServedBy.class);

    /**
     * A vhost's mark, for a request none of its routes took.
     *
     * @param name the vhost's name
     * @return a mark with route {@link #NONE}
     */
    public static ServedBy vhost(String name) {
        return new ServedBy(name, NONE);
    }

    /**
     * This vhost's mark for one of its routes. Called once per route while the tree is built, never per request.
     *
     * @param label the route's name in logs and metrics
     * @return a new mark
     */
    public ServedBy route(String label) {
        return new ServedBy(vhost, label);
    }

    /**
     * The mark of the vhost and route that took {@code exchange}, or {@link #NONE} for each that none did.
     *
     * @param exchange a request, typically at its end (access log, metrics)
     * @return its mark, never {@code null}
     */
    public static ServedBy of(HttpServerExchange exchange) {
        ServedBy served = exchange.getAttachment(KEY);
        return served == null ? NOBODY : served;
    }

    /**
     * Records that this vhost and route took {@code exchange}, replacing an earlier mark.
     *
     * @param exchange the request taken
     */
    public void mark(HttpServerExchange exchange) {
        exchange.putAttachment(KEY, this);
    }
}
