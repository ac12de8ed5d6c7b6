package io.gatehouse.routes;

import io.gatehouse.http.PathSegments;

import java.util.List;

/**
 * The path routes are matched against: the decoded request path with {@code .} and {@code ..} segments applied and
 * runs of slashes merged, as nginx and Apache (MergeSlashes) match theirs. So {@code /x/../admin},
 * {@code //admin} and {@code /%2e%2e/admin} cannot slip past a rule written for {@code /admin}.
 */
final class RoutePath {

    private RoutePath() {
    }

    /**
     * The normalised form of {@code decoded}: one leading slash, a trailing slash kept when the request had one.
     * {@code null} when a {@code ..} would climb above the root (the caller answers 400, as nginx does).
     */
    static String normalise(String decoded) {
        if (decoded.startsWith("/") && !decoded.contains("//") && !decoded.contains("/.")) {
            return decoded;
        }
        List<String> segments = PathSegments.resolve(decoded);
        if (segments == null) {
            return null;
        }
        String joined = "/" + String.join("/", segments);
        return PathSegments.namesDirectory(decoded) && !segments.isEmpty() ? joined + "/" : joined;
    }
}
