package io.gatehouse.config;

import io.gatehouse.internal.config.SecretNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One entry of a vhost's {@code routes}: conditions that must all hold, an action, and header changes. A route
 * without conditions matches every request.
 *
 * @param path      a prefix of the normalised, decoded request path (a plain string prefix, like nginx's
 *                  {@code location /api/})
 * @param match     a regex searched in the normalised, decoded path; its groups are {@code $1..$9} of templates.
 *                  Compiled with {@code DOTALL}: {@code .} also matches a decoded newline
 * @param methods   request methods, upper case; empty means any. {@code GET} also admits {@code HEAD}
 * @param header    a condition on a request header
 * @param action    what the route does
 * @param proxyPath for a proxy action, the path sent to the backend
 * @param headers   header changes for requests this route takes
 * @param origin    where the route was written, for messages
 */
public record Route(
        Optional<String> path,
        Optional<Regex> match,
        List<String> methods,
        Optional<HeaderCondition> header,
        Action action,
        ProxyPath proxyPath,
        HeaderRules headers,
        Origin origin) {

    /**
     * Where a route was written.
     *
     * @param file    the YAML file, when there is one
     * @param line    1-based, or 0 for a route built in code
     * @param column  1-based, or 0
     * @param keyPath like {@code vhosts[0].routes[2]}
     */
    public record Origin(Optional<String> file, int line, int column, String keyPath) {

        /** The origin of a route built in code. */
        public static final Origin UNKNOWN = new Origin(Optional.empty(), 0, 0, "");

        /**
         * A problem or warning at this place.
         *
         * @param message what is wrong and what would be valid
         * @return the problem, with this origin's file, line, column and key path
         */
        public ConfigProblem problem(String message) {
            return new ConfigProblem(file, line, column, keyPath, message);
        }
    }

    /**
     * Copies the methods.
     *
     * @param path      a path prefix, or empty
     * @param match     a path regex, or empty
     * @param methods   upper-case methods; empty means any
     * @param header    a header condition, or empty
     * @param action    what the route does
     * @param proxyPath for a proxy action, the path sent to the backend; {@link ProxyPath#UNCHANGED} otherwise
     * @param headers   header changes; {@link HeaderRules#NONE} for none
     * @param origin    where the route was written; {@link Origin#UNKNOWN} in code
     * @throws NullPointerException when {@code methods} is null
     */
    public Route {
        methods = List.copyOf(methods);
    }

    /**
     * A route that takes every request: the vhost shorthand.
     *
     * @param action what it does
     * @return the route, without conditions or header changes
     */
    public static Route catchAll(Action action) {
        return new Route(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), action, ProxyPath.UNCHANGED,
                HeaderRules.NONE, Origin.UNKNOWN);
    }

    /** @return whether the route has no condition at all */
    public boolean matchesEverything() {
        return path.isEmpty() && match.isEmpty() && methods.isEmpty() && header.isEmpty();
    }

    /**
     * The conditions in YAML terms, for reports and logs; a header condition's regex is hidden when the header is
     * named like a secret.
     *
     * @return like {@code path /api/, methods [POST]}, or {@code any request}
     */
    public String describeConditions() {
        List<String> conditions = new ArrayList<>();
        path.ifPresent(p -> conditions.add("path " + p));
        match.ifPresent(m -> conditions.add("match '" + m + "'"));
        if (!methods.isEmpty()) {
            conditions.add("methods " + methods);
        }
        header.ifPresent(h -> conditions.add("header " + h.name()
                + h.matches().map(m -> " matches " + SecretNames.shown(h.name(), "'" + m + "'")).orElse("")));
        return conditions.isEmpty() ? "any request" : String.join(", ", conditions);
    }
}
