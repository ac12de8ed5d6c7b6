package io.gatehouse.testing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the lines of a log that summarises repeats ({@code io.gatehouse.internal.observe.RepeatedEvents}). */
public final class RepeatedLines {

    private static final Pattern REPEATED = Pattern.compile(": repeated ([0-9,]+) times? in the last ");

    private RepeatedLines() {
    }

    /** Every event {@code lines} account for: one per line logged as it came, the count of each summary. */
    public static long events(List<String> lines) {
        long events = 0;
        for (String line : lines) {
            Matcher repeated = REPEATED.matcher(line);
            events += repeated.find() ? Long.parseLong(repeated.group(1).replace(",", "")) : 1;
        }
        return events;
    }
}
