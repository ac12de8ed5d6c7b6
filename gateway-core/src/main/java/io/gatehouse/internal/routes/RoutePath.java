package io.gatehouse.internal.routes;

import io.gatehouse.internal.http.PathSegments;

import java.util.List;

/**
 * The path routes are matched against: the decoded request path with {@code .} and {@code ..} segments applied and
 * runs of slashes merged, as nginx and Apache (MergeSlashes) match theirs. So {@code /x/../admin},
 * {@code //admin} and {@code /%2e%2e/admin} cannot slip past a rule written for {@code /admin}.
 *
 * <p>A path that a backend may split where the routes see no slash is refused instead, as Apache's
 * {@code AllowEncodedSlashes Off} and Tomcat refuse it: an encoded slash or backslash ({@code %2F}, {@code %5C},
 * which Undertow leaves encoded, or double-encoded as {@code %252F}) and a backslash. Otherwise
 * {@code /admin%2Fsecret} would pass a rule for {@code /admin/} and reach an application that decodes it to
 * {@code /admin/secret}. With {@code limits.encodedSlashes: decode} the listener decodes {@code %2F} to {@code /}
 * before this, so such a path is matched as the backend reads it.
 */
final class RoutePath {

    private RoutePath() {
    }

    /**
     * The normalised form of {@code decoded}: one leading slash, a trailing slash kept when the request had one.
     * {@code null} (the caller answers 400, as nginx does) when a {@code ..} would climb above the root, or when the
     * path holds a backslash, {@code %2F} or {@code %5C}. One pass and no allocation for an already normal path.
     */
    static String normalise(String decoded) {
        if (plain(decoded)) {
            return decoded;
        }
        if (hidesASeparator(decoded)) {
            return null;
        }
        List<String> segments = PathSegments.resolve(decoded);
        if (segments == null) {
            return null;
        }
        String joined = "/" + String.join("/", segments);
        return PathSegments.namesDirectory(decoded) && !segments.isEmpty() ? joined + "/" : joined;
    }

    /** Starts with {@code /}, and has no {@code //}, no {@code /.}, no backslash and no {@code %}. */
    private static boolean plain(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == '%' || ((c == '/' || c == '.') && path.charAt(i - 1) == '/')) {
                return false;
            }
        }
        return true;
    }

    private static boolean hidesASeparator(String path) {
        if (path.indexOf('\\') >= 0) {
            return true;
        }
        for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
            char high = path.charAt(i + 1);
            char low = Character.toUpperCase(path.charAt(i + 2));
            if ((high == '2' && low == 'F') || (high == '5' && low == 'C')) {
                return true;
            }
        }
        return false;
    }
}
