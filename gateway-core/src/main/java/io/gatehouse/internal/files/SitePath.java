package io.gatehouse.internal.files;

import io.gatehouse.internal.http.PathSegments;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A decoded request path reduced to plain segments: empty and {@code .} segments dropped, {@code ..} applied.
 * It never has a {@code ..}, a slash or a backslash inside a segment, so it can be appended to a root directory
 * without leaving it lexically (symbolic links are checked separately, on the real path).
 *
 * @param segments      the path segments, none empty, {@code .} or {@code ..}
 * @param trailingSlash whether the request named a directory (ended with {@code /}, or is the root)
 */
record SitePath(List<String> segments, boolean trailingSlash) {

    SitePath {
        segments = List.copyOf(segments);
    }

    /**
     * Normalises a decoded path. Returns {@code null} (the caller answers 400, as nginx does) when a {@code ..}
     * would climb above the root, or when the path holds a backslash or a NUL, which some file systems and C
     * libraries read as a separator or an end of string.
     */
    static SitePath parse(String decoded) {
        if (decoded.indexOf('\\') >= 0 || decoded.indexOf('\0') >= 0) {
            return null;
        }
        List<String> segments = PathSegments.resolve(decoded);
        if (segments == null) {
            return null;
        }
        return new SitePath(segments, segments.isEmpty() || PathSegments.namesDirectory(decoded));
    }

    /** The path relative to a root: the segments joined with {@code /}, empty for the root itself. */
    String relative() {
        return String.join("/", segments);
    }

    /** The normalised path as a decoded URL path: always one leading slash, a trailing one when it names a directory. */
    String decoded() {
        String joined = "/" + relative();
        return trailingSlash && !segments.isEmpty() ? joined + "/" : joined;
    }

    /** {@link #decoded()} percent-encoded for a Location header or a link; always starts with exactly one slash. */
    String encoded() {
        StringBuilder out = new StringBuilder();
        for (String segment : segments) {
            out.append('/').append(encodeSegment(segment));
        }
        return trailingSlash || segments.isEmpty() ? out.append('/').toString() : out.toString();
    }

    /** This path as a directory (with a trailing slash). */
    SitePath asDirectory() {
        return new SitePath(segments, true);
    }

    /** Percent-encodes everything in a path segment except RFC 3986 unreserved characters. */
    static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
