package io.gatehouse.internal.vhosts;

import java.util.HashMap;
import java.util.Map;

/**
 * Host name lookup with nginx's precedence: an exact name beats the longest matching {@code *.suffix} wildcard,
 * which beats the catch-all {@code *}. A wildcard matches subdomains at any depth but not the bare suffix
 * ({@code *.example.com} matches {@code a.b.example.com}, not {@code example.com}).
 * <p>
 * Filled while a handler tree is built, then only read: not safe for a {@code put} concurrent with anything, safe
 * to share across IO threads once published (the tree's handlers hold it in final fields).
 *
 * @param <T> what a host name leads to
 */
public final class HostTable<T> {

    private final Map<String, T> exact = new HashMap<>();
    private final Map<String, T> wildcardSuffixes = new HashMap<>();
    private T catchAll;

    /**
     * Adds a host pattern (already lower case, without trailing dot). The first value added for a pattern wins;
     * duplicates are refused by config validation before they get here.
     *
     * @param pattern an exact host, {@code *.suffix}, or {@code *}
     * @param value   what the pattern leads to
     * @return this table
     */
    public HostTable<T> put(String pattern, T value) {
        if (pattern.equals("*")) {
            if (catchAll == null) {
                catchAll = value;
            }
        } else if (pattern.startsWith("*.")) {
            wildcardSuffixes.putIfAbsent(pattern.substring(2), value);
        } else {
            exact.putIfAbsent(pattern, value);
        }
        return this;
    }

    /**
     * The value for a normalised host name. Allocates only when wildcards are present and the exact lookup missed.
     *
     * @param host a host as {@link HostNames#normalise(String)} returns it; {@code ""} matches only the catch-all
     * @return the value of the best pattern, or {@code null} when no pattern matches
     */
    public T match(String host) {
        T value = exact.get(host);
        if (value != null) {
            return value;
        }
        if (!wildcardSuffixes.isEmpty()) {
            // Walking the dots left to right tries the longest suffix first.
            for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
                value = wildcardSuffixes.get(host.substring(dot + 1));
                if (value != null) {
                    return value;
                }
            }
        }
        return catchAll;
    }
}
