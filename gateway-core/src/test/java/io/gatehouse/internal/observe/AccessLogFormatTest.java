package io.gatehouse.internal.observe;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessLogFormatTest {

    private static final long NOON = Instant.parse("2026-11-28T12:00:00Z").toEpochMilli();

    @Test
    void eachSecondIsFormattedAgainWhenTheClockMovesForwardOrBack() {
        DateTimeFormatter apache = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
                .withZone(ZoneId.of("Europe/Berlin"));
        AccessLogFormat.SecondStamps stamps = new AccessLogFormat.SecondStamps(apache);
        long summerTime = Instant.parse("2026-03-29T01:00:00Z").toEpochMilli();
        long winterTime = Instant.parse("2026-10-25T01:00:00Z").toEpochMilli();
        for (long millis : new long[] {NOON, NOON + 999, NOON + 1000, NOON + 999, NOON - 1, NOON + 86_400_000L, NOON,
                summerTime - 1, summerTime, winterTime - 1, winterTime, -1, -999, -1000, 0}) {
            assertEquals(apache.format(Instant.ofEpochMilli(millis)), stamps.at(millis), "at " + millis);
        }
    }

    @Test
    void jsonTimeIsUtcWithMillisecondsAndZ() {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT)
                .withZone(ZoneOffset.UTC);
        for (long millis : new long[] {NOON, NOON + 7, NOON + 45, NOON + 999, NOON + 1000, NOON - 1, -1, -999, -1000}) {
            assertEquals(iso.format(Instant.ofEpochMilli(millis)), AccessLogFormat.jsonTime(millis), "at " + millis);
        }
    }
}
