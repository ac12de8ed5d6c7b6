package io.gatehouse.config;

/**
 * {@code rewrite}: rewrite the request's path (and query) internally, then go on matching from the next route, like Apache's
 * {@code RewriteRule} without {@code [L]}.
 *
 * @param to the new path, starting with {@code /}; the query is kept unless {@code to} has a {@code ?}
 */
public record RewriteConfig(Template to) implements Action {

    @Override
    public String kind() {
        return "rewrite";
    }
}
