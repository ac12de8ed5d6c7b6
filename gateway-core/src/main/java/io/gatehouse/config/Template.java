package io.gatehouse.config;

import io.gatehouse.internal.config.ParsedTemplate;
import java.util.Objects;

/**
 * A route value with substitutions, as written: {@code redirect.to}, {@code rewrite.to}, {@code proxy.path}, and the
 * values of {@code respond.headers} and of a route's {@code headers}. It may hold
 * <ul>
 *   <li>{@code $0} to {@code $9}: the groups of the route's {@code match} ({@code $0} is the whole match);</li>
 *   <li>{@code ${client_ip}}, {@code ${host}}, {@code ${scheme}}, {@code ${request_id}}: facts of the request;</li>
 *   <li>{@code %{QUERY}}: the request's query string, as received (without the {@code ?}; not in a header value);</li>
 *   <li>{@code $$}: a literal {@code $}.</li>
 * </ul>
 * A request's values are made safe for the part of the URL (or the header value) they land in when substituted, so
 * no value can change what the template means; see {@code src-docs/routes.md}. Constructing a template checks it,
 * so every {@code Template} is valid for its {@link Use}. Immutable and thread-safe.
 *
 * @param source as written, like {@code /new/$1} or {@code https://${host}/}
 * @param use    where it is used, which decides what it may look like
 */
public record Template(String source, Use use) {

    /** Where a template is used, which decides what it may look like. */
    public enum Use {
        /** A path and optional query: {@code rewrite.to}, {@code proxy.path}. Starts with {@code /}. */
        PATH,
        /** A redirect target: a path like {@link #PATH}, or an absolute {@code scheme://authority...} URL. */
        TARGET,
        /** A header value: any text without control characters. */
        HEADER
    }

    /**
     * Checks {@code source} for {@code use}.
     *
     * @param source as written
     * @param use    where it is used
     * @throws IllegalArgumentException saying what is wrong and what would be valid, like {@code '/a/$x': unknown
     *                                  substitution '$x'; valid: $0 to $9, ...}
     * @throws NullPointerException     when either is null
     */
    public Template {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(use, "use");
        ParsedTemplate.parse(source, use);
    }

    /**
     * The template {@code source} written for {@code use}; the same as the constructor.
     *
     * @param source as written
     * @param use    where it is used
     * @return the checked template
     * @throws IllegalArgumentException saying what is wrong and what would be valid (the message a configuration
     *                                  problem for this value shows)
     */
    public static Template parse(String source, Use use) {
        return new Template(source, use);
    }

    /** @return the source, as written */
    @Override
    public String toString() {
        return source;
    }
}
