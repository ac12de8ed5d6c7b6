package io.gatehouse.routes;

import java.util.ArrayDeque;
import java.util.Deque;

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
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.pollLast() == null) {
                    return null;
                }
                continue;
            }
            segments.addLast(segment);
        }
        boolean directory = decoded.endsWith("/") || decoded.endsWith("/.") || decoded.endsWith("/..");
        String joined = "/" + String.join("/", segments);
        return directory && !segments.isEmpty() ? joined + "/" : joined;
    }
}
