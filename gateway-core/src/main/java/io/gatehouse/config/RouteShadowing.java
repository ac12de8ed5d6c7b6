package io.gatehouse.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds routes that can never match because an earlier route of the same vhost takes every request they would
 * (a catch-all before others; {@code path: /api/} before {@code path: /api/v2/}; {@code match: '^/(.*)$'} before
 * anything). Only what can be shown from the conditions' text is reported, so a warning is always right but not
 * every dead route is found. A {@code rewrite} route shadows nothing: matching goes on after it.
 */
final class RouteShadowing {

    private static final String REGEX_META = "\\.[]{}()*+?|$^";

    private RouteShadowing() {
    }

    static List<ConfigProblem> warnings(GatewayConfig config) {
        List<ConfigProblem> warnings = new ArrayList<>();
        for (VirtualHost vhost : config.vhosts()) {
            List<Route> routes = vhost.routes();
            for (int j = 1; j < routes.size(); j++) {
                for (int i = 0; i < j; i++) {
                    Route earlier = routes.get(i);
                    if (!(earlier.action() instanceof RewriteConfig) && covers(earlier, routes.get(j))) {
                        warnings.add(routes.get(j).origin().problem("this route never matches: route " + i + " ("
                                + earlier.describeConditions() + where(earlier.origin()) + ") takes every request it would"));
                        break;
                    }
                }
            }
        }
        return List.copyOf(warnings);
    }

    private static String where(Route.Origin origin) {
        return origin.line() > 0 ? ", line " + origin.line() : "";
    }

    /** Whether every request {@code later} matches is matched by {@code earlier}. */
    private static boolean covers(Route earlier, Route later) {
        return coversPath(earlier, later) && coversMethods(earlier.methods(), later.methods())
                && (earlier.header().isEmpty() || sameHeader(earlier.header().get(), later.header()));
    }

    private static boolean coversPath(Route earlier, Route later) {
        boolean regexCovers = earlier.match().isEmpty() || wholeLiteralPrefix(earlier.match().get()).isPresent()
                || matchesEveryPath(earlier.match().get()) || earlier.match().equals(later.match());
        List<String> required = prefixes(earlier.path(), earlier.match().flatMap(RouteShadowing::wholeLiteralPrefix));
        List<String> known = prefixes(later.path(), later.match().flatMap(RouteShadowing::anchoredLiteralPrefix));
        return regexCovers && required.stream().allMatch(prefix -> known.stream().anyMatch(k -> k.startsWith(prefix)));
    }

    private static List<String> prefixes(Optional<String> a, Optional<String> b) {
        List<String> prefixes = new ArrayList<>(2);
        a.ifPresent(prefixes::add);
        b.ifPresent(prefixes::add);
        return prefixes;
    }

    private static boolean coversMethods(List<String> earlier, List<String> later) {
        return earlier.isEmpty() || (!later.isEmpty() && withHead(earlier).containsAll(withHead(later)));
    }

    private static Set<String> withHead(List<String> methods) {
        Set<String> all = new HashSet<>(methods);
        if (all.contains("GET")) {
            all.add("HEAD");
        }
        return all;
    }

    private static boolean sameHeader(HeaderCondition earlier, Optional<HeaderCondition> later) {
        return later.isPresent() && later.get().name().toLowerCase(Locale.ROOT).equals(earlier.name().toLowerCase(Locale.ROOT))
                && (earlier.matches().isEmpty() || earlier.matches().equals(later.get().matches()));
    }

    /** Regexes that find a match in every path, such as {@code ^/(.*)$}, {@code ^/}, {@code .*} or {@code ^(.*)$}. */
    static boolean matchesEveryPath(Regex regex) {
        String core = regex.pattern().pattern().replace("(?:", "").replace("(", "").replace(")", "").replace(".*?", ".*");
        if (core.startsWith("^")) {
            core = core.substring(1);
        }
        if (core.endsWith(".*$")) {
            core = core.substring(0, core.length() - 1);
        }
        return core.isEmpty() || core.equals("/") || core.equals(".*") || core.equals("/.*");
    }

    /** The literal text a regex anchored with {@code ^} requires at the start of the path, like {@code /blog/}. */
    static Optional<String> anchoredLiteralPrefix(Regex regex) {
        String source = regex.pattern().pattern();
        if (!source.startsWith("^") || (regex.pattern().flags() & ~Pattern.DOTALL) != 0) {
            return Optional.empty();
        }
        int end = 1;
        while (end < source.length() && REGEX_META.indexOf(source.charAt(end)) < 0) {
            end++;
        }
        // A quantifier after the last literal character makes that character optional.
        if (end < source.length() && "?*{".indexOf(source.charAt(end)) >= 0) {
            end--;
        }
        return end > 1 ? Optional.of(source.substring(1, end)) : Optional.empty();
    }

    /** For a regex that is nothing but {@code ^literal}, that literal: it is then a plain prefix condition. */
    private static Optional<String> wholeLiteralPrefix(Regex regex) {
        return anchoredLiteralPrefix(regex).filter(prefix -> regex.pattern().pattern().equals("^" + prefix));
    }
}
