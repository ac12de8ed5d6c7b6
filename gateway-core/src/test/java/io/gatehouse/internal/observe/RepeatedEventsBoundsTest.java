package io.gatehouse.internal.observe;

import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RepeatedLines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How many kinds a {@link RepeatedEvents} holds, and when it forgets one, on a clock the test moves. */
class RepeatedEventsBoundsTest {

    private final Logger logger = Logger.getLogger("io.gatehouse.test.repeats.bounds." + System.nanoTime());
    private final LogCapture capture = LogCapture.on(logger);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final RepeatedEvents events = new RepeatedEvents(System.getLogger(logger.getName()),
            System.Logger.Level.WARNING, Duration.ofSeconds(10), nanos::get);

    {
        logger.setUseParentHandlers(false);
    }

    @AfterEach
    void close() {
        events.close();
        capture.close();
    }

    @Test
    void aFloodOfDistinctKindsWritesABoundedNumberOfLinesAndCountsEveryEvent() {
        for (int i = 0; i < 10_000; i++) {
            events.event("request refused with 413: declared body of " + i + " bytes", "/127.0.0.1:" + i + ":");
        }
        events.flush();

        List<String> lines = capture.messages();
        assertEquals(RepeatedEvents.MAX_KINDS + 2, lines.size(), "a first line per kind held, one for the first "
                + "overflowing event, one summary");
        assertTrue(lines.get(lines.size() - 1).startsWith(RepeatedEvents.OVERFLOW + ": repeated "), lines.get(lines.size() - 1));
        assertEquals(10_000, RepeatedLines.events(lines));
    }

    @Test
    void overflowingEventsAreSummarisedOncePerIntervalLikeAnyOtherKind() {
        for (int i = 0; i < 1_000; i++) {
            events.event("kind " + i, "first");
        }
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        events.flushDue();

        List<String> lines = capture.messages();
        assertEquals(RepeatedEvents.MAX_KINDS + 2, lines.size());
        assertTrue(lines.get(lines.size() - 1).startsWith(RepeatedEvents.OVERFLOW + ": repeated 743 times in the last 10 s"),
                lines.get(lines.size() - 1));
    }

    @Test
    void aKindQuietForTwoIntervalsIsForgottenAndItsNextEventLoggedAsAFirst() {
        events.event("k", "first");
        events.event("k", "second");
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        events.flushDue();
        nanos.addAndGet(Duration.ofSeconds(20).toNanos());
        events.flushDue();
        events.event("k", "third");
        events.event("k", "fourth");
        events.flush();

        assertEquals(List.of("first k", "k: repeated 1 time in the last 10 s", "third k",
                "k: repeated 1 time in the last 0 ms"), capture.messages());
    }
}
