package io.gatehouse.internal.files;

import java.util.List;

/**
 * A path is denied when it ends with one of the suffixes: lighttpd's {@code url.access-deny} ({@code deny}), and
 * its {@code static-file.exclude-extensions} ({@code staticExclude}, given file names).
 *
 * <p>Stricter than lighttpd so that the same file cannot be reached under another spelling: the comparison is
 * ASCII case-insensitive (a case-insensitive file system would serve {@code X.INC} as {@code x.inc}), and trailing
 * dots, spaces and slashes are ignored ({@code /x.inc.} and {@code /x.inc/} name {@code x.inc} on some systems).
 * Callers pass decoded paths; percent-encoding, path parameters and {@code //} are resolved before this check.
 */
final class DenyList {

    private final List<String> suffixes;

    DenyList(List<String> suffixes) {
        this.suffixes = suffixes.stream().map(s -> s.substring(0, trimmedEnd(s))).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Whether {@code path} (a decoded path or a file name) ends with a denied suffix, or is a precompressed
     * sibling ({@code .gz}, {@code .br}, see {@link Coding}) of a name that does: {@code config.inc.gz} holds
     * {@code config.inc}, whether or not {@code precompressed} is on.
     */
    boolean denies(String path) {
        for (int end = trimmedEnd(path); end > 0; end = Coding.originalEnd(path, end)) {
            for (String suffix : suffixes) {
                if (endsWithIgnoringAsciiCase(path, end, suffix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The length of {@code s} without trailing dots, spaces and slashes (applied to suffixes too, symmetrically). */
    private static int trimmedEnd(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '/')) {
            end--;
        }
        return end;
    }

    private static boolean endsWithIgnoringAsciiCase(String path, int end, String suffix) {
        int start = end - suffix.length();
        if (start < 0) {
            return false;
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (asciiLower(path.charAt(start + i)) != asciiLower(suffix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
