package io.gatehouse.internal.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}) and sizes ({@code 512B}, {@code 16KiB},
 * {@code 1GiB}, and nginx's {@code 16k}, {@code 1M}, {@code 1GB}, which are 1024-based too). Each method
 * throws {@link IllegalArgumentException} with a message saying what would be valid.
 */
final class Units {

    private static final Pattern NUMBER_UNIT = Pattern.compile("([+-]?)(\\d+)(\\.\\d+)?([A-Za-z]*)");

    private static final Map<String, ChronoUnit> TIME_UNITS = Map.of(
            "ms", ChronoUnit.MILLIS, "s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS);

    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;
    private static final Map<String, Long> SIZE_UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("B", 1L),
            Map.entry("KiB", KIB), Map.entry("k", KIB), Map.entry("K", KIB), Map.entry("KB", KIB),
            Map.entry("MiB", MIB), Map.entry("m", MIB), Map.entry("M", MIB), Map.entry("MB", MIB),
            Map.entry("GiB", GIB), Map.entry("g", GIB), Map.entry("G", GIB), Map.entry("GB", GIB));

    private Units() {
    }

    /** A whole number and a unit of ms, s, m or h; a bare number is refused, as its unit would be a guess. */
    static Duration duration(String text) {
        Matcher m = match(text, "a duration like 250ms, 5s, 2m or 1h");
        wholeAndNotNegative(m, text, "1500ms instead of 1.5s");
        String unit = m.group(4);
        if (unit.isEmpty()) {
            throw new IllegalArgumentException("add a unit: " + m.group(2) + "s (units: ms, s, m, h)");
        }
        ChronoUnit chronoUnit = TIME_UNITS.get(unit);
        if (chronoUnit == null) {
            throw new IllegalArgumentException("unknown unit '" + unit + "' in '" + text + "'; use ms, s, m or h");
        }
        try {
            return Duration.of(Long.parseLong(m.group(2)), chronoUnit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** Bytes: a whole number with an optional unit (none or B: bytes; all others are 1024-based). */
    static long size(String text) {
        Matcher m = match(text, "a size like 512B, 16KiB, 1MiB or 1GiB");
        wholeAndNotNegative(m, text, "1536KiB instead of 1.5MiB");
        Long multiplier = SIZE_UNITS.get(m.group(4));
        if (multiplier == null) {
            throw new IllegalArgumentException("unknown unit '" + m.group(4) + "' in '" + text
                    + "'; use B, KiB, MiB or GiB (nginx's k, K, KB, m, M, MB, g, G, GB mean the same)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(2)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    private static Matcher match(String text, String expected) {
        Matcher m = NUMBER_UNIT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + expected + ", got '" + text + "'");
        }
        return m;
    }

    private static void wholeAndNotNegative(Matcher m, String text, String example) {
        if (m.group(1).equals("-")) {
            throw new IllegalArgumentException("'" + text + "' is negative; it must be 0 or more");
        }
        if (m.group(3) != null) {
            throw new IllegalArgumentException("use a whole number with a smaller unit, like " + example);
        }
    }
}
