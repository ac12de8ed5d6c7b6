package io.gatehouse.internal.files;

/**
 * The outcome of a {@code Range} header against a file of known size (RFC 9110 section 14).
 *
 * <p>Only a single {@code bytes} range is served. A header that is syntactically invalid, uses another unit, or
 * asks for several ranges yields {@link #WHOLE} (RFC 9110 lets a server ignore Range; nginx would answer several
 * ranges with multipart/byteranges, Gatehouse sends the whole file instead).
 */
sealed interface ByteRange {

    /** Serve the whole representation with 200. */
    ByteRange WHOLE = new Whole();

    /** Answer 416 with {@code Content-Range: bytes *}{@code /size}. */
    ByteRange UNSATISFIABLE = new Unsatisfiable();

    record Whole() implements ByteRange {
    }

    record Unsatisfiable() implements ByteRange {
    }

    /** Bytes {@code first} to {@code last}, both inclusive, answered with 206. */
    record Part(long first, long last) implements ByteRange {
        long length() {
            return last - first + 1;
        }
    }

    /** Interprets {@code header} (may be null) for a file of {@code size} bytes. */
    static ByteRange of(String header, long size) {
        if (header == null) {
            return WHOLE;
        }
        String value = header.strip();
        if (value.length() < 6 || !value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return WHOLE;
        }
        String spec = value.substring(6).strip();
        if (spec.indexOf(',') >= 0) {
            return WHOLE;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        String firstText = spec.substring(0, dash).strip();
        String lastText = spec.substring(dash + 1).strip();
        if (firstText.isEmpty()) {
            long suffix = digits(lastText);
            if (suffix < 0) {
                return WHOLE;
            }
            return suffix == 0 || size == 0 ? UNSATISFIABLE : new Part(Math.max(0, size - suffix), size - 1);
        }
        long first = digits(firstText);
        long last = lastText.isEmpty() ? Long.MAX_VALUE : digits(lastText);
        if (first < 0 || last < 0 || last < first) {
            return WHOLE;
        }
        return first >= size ? UNSATISFIABLE : new Part(first, Math.min(last, size - 1));
    }

    /** The value of a run of ASCII digits, saturating at {@code Long.MAX_VALUE}; -1 when empty or not digits. */
    private static long digits(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }
}
