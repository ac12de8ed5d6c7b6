package io.gatehouse.internal.http;

import java.util.ArrayList;
import java.util.List;

/** RFC 3986 dot-segment removal on a decoded path, as the file server and the route matcher both need it. */
public final class PathSegments {

    private PathSegments() {
    }

    /**
     * The path's segments with empty ones, {@code .} and {@code ..} resolved; {@code null} when a {@code ..} would
     * climb above the root (callers answer 400, as nginx does).
     *
     * @param decoded a percent-decoded path
     * @return the remaining segments, none of them empty, {@code .} or {@code ..}; or {@code null}
     */
    public static List<String> resolve(String decoded) {
        List<String> segments = new ArrayList<>();
        for (String segment : decoded.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.remove(segments.size() - 1);
                continue;
            }
            segments.add(segment);
        }
        return segments;
    }

    /**
     * Whether the path names a directory: it ends in {@code /}, {@code /.} or {@code /..}.
     *
     * @param decoded a percent-decoded path
     * @return whether the resolved path keeps a trailing slash
     */
    public static boolean namesDirectory(String decoded) {
        return decoded.endsWith("/") || decoded.endsWith("/.") || decoded.endsWith("/..");
    }
}
