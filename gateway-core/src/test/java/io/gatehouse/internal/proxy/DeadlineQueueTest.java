package io.gatehouse.internal.proxy;

import io.gatehouse.testing.OneIoThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On a real XNIO IO thread, with its real timer. */
@Timeout(20)
class DeadlineQueueTest {

    private static final long TIMEOUT_MILLIS = 50;

    private OneIoThread io;
    private DeadlineQueue queue;
    private final List<String> expired = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        io = new OneIoThread();
        queue = new DeadlineQueue(io.thread(), TIMEOUT_MILLIS);
    }

    @AfterEach
    void stop() {
        io.close();
    }

    @Test
    void deadlinesExpireInTheOrderTheyWereSetAndNeverEarly() throws Exception {
        CountDownLatch all = new CountDownLatch(3);
        List<Named> entries = List.of(new Named("a", all), new Named("b", all), new Named("c", all));
        for (Named entry : entries) {
            io.run(() -> {
                entry.setAt = System.nanoTime();
                queue.add(entry);
            });
        }

        assertTrue(all.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b", "c"), expired);
        for (Named entry : entries) {
            assertTrue(entry.expiredAt - entry.setAt >= TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS),
                    entry.name + " expired before its deadline");
        }
    }

    @Test
    void cancelledDeadlineNeverExpiresAndTheOthersStillDo() throws Exception {
        CountDownLatch two = new CountDownLatch(2);
        Named first = new Named("first", two);
        Named cancelled = new Named("cancelled", two);
        Named last = new Named("last", two);
        io.run(() -> {
            queue.add(first);
            queue.add(cancelled);
            queue.add(last);
            cancelled.cancelDeadline();
        });

        assertTrue(two.await(10, TimeUnit.SECONDS));
        // The queue is empty now; one more deadline proves nothing else was left to fire before it.
        CountDownLatch probe = new CountDownLatch(1);
        io.run(() -> queue.add(new Named("probe", probe)));
        assertTrue(probe.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("first", "last", "probe"), expired);
    }

    @Test
    void settingADeadlineAgainReplacesTheEarlierOne() throws Exception {
        CountDownLatch once = new CountDownLatch(1);
        Named entry = new Named("again", once);
        io.run(() -> queue.add(entry));
        io.run(() -> queue.add(entry));

        assertTrue(once.await(10, TimeUnit.SECONDS));
        CountDownLatch probe = new CountDownLatch(1);
        io.run(() -> queue.add(new Named("probe", probe)));
        assertTrue(probe.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("again", "probe"), expired);
    }

    @Test
    void deadlineSetAfterTheTimerWasArmedExpiresOnItsOwnTime() throws Exception {
        CountDownLatch one = new CountDownLatch(1);
        Named early = new Named("early", one);
        Named late = new Named("late", one);
        io.run(() -> queue.add(early));
        Thread.sleep(TIMEOUT_MILLIS / 2);
        io.run(() -> {
            late.setAt = System.nanoTime();
            queue.add(late);
            early.cancelDeadline();
        });

        // The timer armed for the cancelled deadline finds the later one not yet due and must arm again for it.
        assertTrue(one.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("late"), expired);
        assertTrue(late.expiredAt - late.setAt >= TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS), "expired early");
    }

    private final class Named extends DeadlineQueue.Entry {
        final String name;
        final CountDownLatch latch;
        long setAt;
        long expiredAt;

        Named(String name, CountDownLatch latch) {
            this.name = name;
            this.latch = latch;
        }

        @Override
        void expired() {
            expiredAt = System.nanoTime();
            expired.add(name);
            latch.countDown();
        }
    }
}
