package io.gatehouse.internal.files;

/**
 * The content codings of precompressed siblings ({@code name.br}, {@code name.gz} stand for {@code name}), in the
 * order preferred when the client weighs them equally (smaller first).
 */
enum Coding {
    BR("br", ".br"), GZIP("gzip", ".gz");

    final String token;
    final String suffix;

    Coding(String token, String suffix) {
        this.token = token;
        this.suffix = suffix;
    }

    /**
     * Where the name a precompressed sibling stands for ends in {@code path}'s first {@code end} characters
     * ({@code /a.inc} in {@code /a.inc.gz}), or -1 when they do not end with a sibling suffix (ASCII
     * case-insensitive, as {@link DenyList} compares).
     */
    static int originalEnd(String path, int end) {
        for (Coding coding : values()) {
            int start = end - coding.suffix.length();
            if (start > 0 && path.regionMatches(true, start, coding.suffix, 0, coding.suffix.length())) {
                return start;
            }
        }
        return -1;
    }
}
