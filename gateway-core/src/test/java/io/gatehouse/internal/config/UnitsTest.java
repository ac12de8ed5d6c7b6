package io.gatehouse.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitsTest {

    @ParameterizedTest
    @CsvSource({"250ms, PT0.25S", "5s, PT5S", "2m, PT2M", "1h, PT1H", "0s, PT0S"})
    void durationsTakeAWholeNumberAndAUnit(String text, String expected) {
        assertEquals(Duration.parse(expected), Units.duration(text));
    }

    @Test
    void bareNumberDurationAsksForAUnit() {
        assertEquals("add a unit: 5s (units: ms, s, m, h)", message(() -> Units.duration("5")));
    }

    @Test
    void unknownDurationUnitListsTheValidOnes() {
        assertEquals("unknown unit 'sec' in '5sec'; use ms, s, m or h", message(() -> Units.duration("5sec")));
    }

    @Test
    void fractionalDurationAsksForASmallerUnit() {
        assertEquals("use a whole number with a smaller unit, like 1500ms instead of 1.5s", message(() -> Units.duration("1.5s")));
    }

    @Test
    void negativeDurationIsRefused() {
        assertEquals("'-5s' is negative; it must be 0 or more", message(() -> Units.duration("-5s")));
    }

    @Test
    void overflowingDurationIsRefused() {
        assertEquals("'9999999999999999h' is too large", message(() -> Units.duration("9999999999999999h")));
        assertEquals("'99999999999999999999s' is too large", message(() -> Units.duration("99999999999999999999s")));
    }

    @Test
    void textThatIsNoDurationSaysWhatIs() {
        assertEquals("expected a duration like 250ms, 5s, 2m or 1h, got 'soon'", message(() -> Units.duration("soon")));
    }

    @ParameterizedTest
    @CsvSource({
            "512B, 512", "512, 512", "16KiB, 16384", "1MiB, 1048576", "1GiB, 1073741824",
            "16k, 16384", "16K, 16384", "16KB, 16384", "2m, 2097152", "2M, 2097152", "2MB, 2097152",
            "1g, 1073741824", "1G, 1073741824", "1GB, 1073741824"})
    void sizesAreBinaryWhateverTheUnitSpelling(String text, long expected) {
        assertEquals(expected, Units.size(text));
    }

    @Test
    void unknownSizeUnitListsTheValidOnes() {
        assertEquals("unknown unit 'TiB' in '1TiB'; use B, KiB, MiB or GiB (nginx's k, K, KB, m, M, MB, g, G, GB mean the same)",
                message(() -> Units.size("1TiB")));
    }

    @Test
    void overflowingSizeIsRefused() {
        assertEquals("'99999999999GiB' is too large", message(() -> Units.size("99999999999GiB")));
    }

    @Test
    void negativeSizeIsRefused() {
        assertEquals("'-1KiB' is negative; it must be 0 or more", message(() -> Units.size("-1KiB")));
    }

    private static String message(org.junit.jupiter.api.function.Executable parse) {
        return assertThrows(IllegalArgumentException.class, parse).getMessage();
    }
}
