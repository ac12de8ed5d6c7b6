package io.gatehouse.observe;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A log for events that can repeat once per request (a refused backend, a refused request head): the first event
 * of a kind is logged as it is, the ones after it within the interval ({@code log.repeatInterval}) are only counted,
 * and one summary line per interval gives the count ({@code "http://b:8080: 502, connect failed: repeated 57,312
 * times in the last 10 s"}). Each kind is counted apart: a new kind is always logged at once, however many others
 * repeat. An interval of zero logs every event.
 *
 * <p>Each instance belongs to one owner (a gateway, a mounted gateway handler, a {@code ReverseProxy} on its own),
 * which sets its interval ({@link #interval(Duration)}, as a reload commits), and closes it when it stops: two
 * gateways in one JVM count, summarise and flush apart.
 *
 * <p>A count is never lost: a summary is written by the next event after the interval or, when none comes, by a
 * timer that flushes the log each second, and by {@link #flush()} or {@link #close()}, which a stopping owner calls.
 * The timer is one daemon thread for the JVM (a scheduler, not configuration: a thread per gateway would buy
 * nothing), on which each log has a task of its own, scheduled at its first counted event and cancelled (removed
 * from the scheduler) by {@link #close()}, so a closed log leaves nothing behind to be flushed or kept reachable.
 *
 * <p>Counting a repeat takes a volatile read and a {@link LongAdder} increment, no lock; the lock of a kind is taken
 * only when its interval rolls over. Thread-safe.
 */
public final class RepeatedEvents implements AutoCloseable {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Logger logger;
    private final Level level;
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private volatile long intervalNanos;
    /** The periodic flush: null until the first kind is counted; guarded by {@code this}. */
    private ScheduledFuture<?> flushing;
    private boolean closed;

    /** A log writing to {@code logger} at {@code level}, summarising once per {@code interval} (zero: never). */
    public RepeatedEvents(Logger logger, Level level, Duration interval) {
        this.logger = logger;
        this.level = level;
        this.intervalNanos = interval.toNanos();
    }

    /** Summarises once per {@code interval} from now on; zero logs every event. */
    public void interval(Duration interval) {
        intervalNanos = interval.toNanos();
    }

    /**
     * Logs {@code "first kind"} when it is the first of its kind in the interval, else counts it.
     *
     * @param kind  what repeats, with its target ({@code "http://b:8080: 502, connect failed: ..."}); the key, and
     *              the text of the summary
     * @param first what only this occurrence has (the request line, say), written before {@code kind}
     */
    public void event(String kind, String first) {
        if (!logger.isLoggable(level)) {
            return;
        }
        long interval = intervalNanos;
        if (interval <= 0) {
            logger.log(level, first + " " + kind);
            return;
        }
        long now = System.nanoTime();
        Kind counted = kinds.get(kind);
        if (counted == null) {
            counted = kinds.computeIfAbsent(kind, Kind::new);
            startFlushing();
        }
        if (now - counted.windowStart < interval && counted.logged) {
            counted.repeats.increment();
            return;
        }
        synchronized (counted) {
            if (now - counted.windowStart < interval && counted.logged) {
                counted.repeats.increment();
                return;
            }
            long repeats = counted.repeats.sumThenReset() + 1;
            if (counted.logged && repeats > 1) {
                logger.log(level, summary(kind, repeats, now - counted.windowStart));
            } else {
                logger.log(level, first + " " + kind);
            }
            counted.windowStart = now;
            counted.logged = true;
        }
    }

    /** Writes the summary of every kind whose repeats are not yet logged, whether or not its interval is over. */
    public void flush() {
        flush(true);
    }

    /**
     * Flushes, and stops the timer's flushing of this log. Events that still come (a request finishing late) are
     * logged one by one, as with an interval of zero: no timer would write their summary any more.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (flushing != null) {
                flushing.cancel(false);
            }
        }
        intervalNanos = 0;
        flush(true);
    }

    private synchronized void startFlushing() {
        if (flushing == null && !closed) {
            flushing = TIMER.scheduleWithFixedDelay(() -> flush(false), 1, 1, TimeUnit.SECONDS);
        }
    }

    private void flush(boolean all) {
        long now = System.nanoTime();
        long interval = intervalNanos;
        for (Kind counted : kinds.values()) {
            synchronized (counted) {
                long elapsed = now - counted.windowStart;
                if (!all && elapsed < interval) {
                    continue;
                }
                long repeats = counted.repeats.sumThenReset();
                if (repeats > 0) {
                    logger.log(level, summary(counted.key, repeats, elapsed));
                    counted.windowStart = now;
                } else if (elapsed >= 2 * interval) {
                    // Quiet for a whole interval after its last summary: forget it, so that its next event is
                    // logged as a first one and the map holds only the kinds that are repeating.
                    kinds.remove(counted.key, counted);
                }
            }
        }
    }

    private static String summary(String kind, long repeats, long elapsedNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
        String span = millis < 1000 ? millis + " ms" : Math.round(millis / 1000.0) + " s";
        return String.format(Locale.ROOT, "%s: repeated %,d %s in the last %s", kind, repeats,
                repeats == 1 ? "time" : "times", span);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-log-repeats");
            thread.setDaemon(true);
            return thread;
        });
        // A cancelled task leaves the queue at once, and with it the reference to its closed log.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** One kind of event: when its interval began, whether its first event was logged, the repeats since. */
    private static final class Kind {
        final String key;
        final LongAdder repeats = new LongAdder();
        volatile long windowStart;
        volatile boolean logged;

        Kind(String key) {
            this.key = key;
        }
    }
}
