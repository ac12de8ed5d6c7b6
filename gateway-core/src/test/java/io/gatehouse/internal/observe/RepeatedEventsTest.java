package io.gatehouse.internal.observe;

import io.gatehouse.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepeatedEventsTest {

    private final Logger logger = Logger.getLogger("io.gatehouse.test.repeats." + System.nanoTime());
    private final LogCapture capture = LogCapture.on(logger);
    private final RepeatedEvents events = new RepeatedEvents(System.getLogger(logger.getName()),
            System.Logger.Level.WARNING, Duration.ofHours(1));

    {
        logger.setUseParentHandlers(false);
    }

    private List<String> lines() {
        return capture.messages();
    }

    @AfterEach
    void close() {
        events.close();
        capture.close();
    }

    @Test
    void theFirstEventIsLoggedAndItsRepeatsAreSummarisedWithTheirCount() {
        for (int i = 0; i < 57_313; i++) {
            events.event("http://b:8080: 502, connect failed", "GET /" + i + " ->");
        }
        assertEquals(List.of("GET /0 -> http://b:8080: 502, connect failed"), lines());

        events.flush();
        assertEquals(2, lines().size());
        assertEquals("http://b:8080: 502, connect failed: repeated 57,312 times in the last ",
                lines().get(1).substring(0, lines().get(1).lastIndexOf("last ") + 5));
    }

    @Test
    void eachKindIsLoggedTheFirstTimeHoweverManyOthersRepeat() {
        for (int i = 0; i < 100; i++) {
            events.event("http://a:80: 502, connect failed", "GET / ->");
        }
        events.event("http://b:80: 504, no response", "GET /slow ->");
        assertEquals(List.of("GET / -> http://a:80: 502, connect failed", "GET /slow -> http://b:80: 504, no response"), lines());
    }

    @Test
    void anEventAfterTheIntervalCarriesTheSummaryOfTheRepeatsBeforeIt() {
        // A clock the test moves: three events on a machine busy enough to pause for the interval must still fall
        // in one window.
        AtomicLong now = new AtomicLong();
        try (RepeatedEvents timed = new RepeatedEvents(System.getLogger(logger.getName()), System.Logger.Level.WARNING,
                Duration.ofSeconds(10), now::get)) {
            timed.event("k", "first");
            timed.event("k", "second");
            timed.event("k", "third");
            now.addAndGet(Duration.ofSeconds(11).toNanos());
            timed.event("k", "fourth");
            assertEquals("first k", lines().get(0));
            assertEquals(2, lines().size(), "the fourth event or the timer wrote the summary: " + lines());
            // The timer (once a second) may have summarised the second and third once the clock moved, before the
            // fourth came, which it then counts.
            timed.flush();
            assertEquals(3, lines().stream().skip(1).mapToInt(RepeatedEventsTest::repeats).sum(), lines().toString());
        }
    }

    private static int repeats(String summary) {
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("^k: repeated (\\d+) times? in the last ").matcher(summary);
        return count.find() ? Integer.parseInt(count.group(1)) : -1000;
    }

    @Test
    void aZeroIntervalLogsEveryEvent() {
        events.interval(Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            events.event("k", "event " + i);
        }
        assertEquals(List.of("event 0 k", "event 1 k", "event 2 k"), lines());
    }

    @Test
    void eachLogCountsAtItsOwnInterval() {
        try (RepeatedEvents everyOne = new RepeatedEvents(System.getLogger(logger.getName()), System.Logger.Level.WARNING,
                Duration.ZERO)) {
            for (int i = 0; i < 2; i++) {
                everyOne.event("k", "a" + i);
                events.event("k", "b" + i);
            }
        }
        assertEquals(List.of("a0 k", "b0 k", "a1 k"), lines());
    }

    @Test
    void closingWritesTheRepeatsStillCounted() {
        events.event("k", "first");
        events.event("k", "second");
        events.close();
        assertEquals(2, lines().size(), lines().toString());
        assertTrue(lines().get(1).startsWith("k: repeated 1 time in the last "), lines().get(1));
    }

    @Test
    void anEventAfterCloseIsLoggedAsItComes() {
        events.event("k", "first");
        events.close();
        events.event("k", "late");
        assertEquals(List.of("first k", "late k"), lines());
    }

    @Test
    void nothingIsLoggedOrCountedBelowTheLoggersLevel() {
        logger.setLevel(Level.SEVERE);
        for (int i = 0; i < 3; i++) {
            events.event("k", "event");
        }
        events.flush();
        assertEquals(List.of(), lines());
    }
}
