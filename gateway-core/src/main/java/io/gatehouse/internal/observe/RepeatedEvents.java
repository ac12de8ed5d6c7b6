package io.gatehouse.internal.observe;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A log for events that can repeat once per request (a refused backend, a refused request head): the first event
 * of a kind is logged as it is, the ones after it within the interval ({@code log.repeatInterval}) are only counted,
 * and one summary line per interval gives the count ({@code "http://b:8080: 502, connect failed: repeated 57,312
 * times in the last 10 s"}). Each kind is counted apart: a new kind is always logged at once, however many others
 * repeat. An interval of zero logs every event.
 *
 * <p>A kind is a key held until it has been quiet for two intervals, so callers keep what varies per request (the
 * request line, a declared length) out of it. As a backstop whatever they pass, at most {@value #MAX_KINDS} kinds are
 * held (a few more while threads race to add one): past that, events of new kinds count as one kind,
 * {@value #OVERFLOW}, whose first event is logged in full and whose repeats are summarised like any other's.
 *
 * <p>Each instance belongs to one owner (a gateway, a mounted gateway handler, a {@code ReverseProxy} on its own),
 * which sets its interval ({@link #interval(Duration)}, as a reload commits), and closes it when it stops: two
 * gateways in one JVM count, summarise and flush apart.
 *
 * <p>A count is never lost: a summary is written by the next event after the interval or, when none comes, by a
 * timer that flushes the log each second, and by {@link #flush()} or {@link #close()}, which a stopping owner calls.
 * A kind the timer forgets, or the close flushes, is retired atomically with its count, so an event racing with
 * either counts in a kind still flushed or, after close, is logged on its own. The timer is one daemon thread for the
 * JVM (a scheduler, not configuration: a thread per gateway would buy nothing), on which each log has a task of its
 * own, scheduled at its first counted event and cancelled (removed from the scheduler) by {@link #close()}, so a
 * closed log leaves nothing behind to be flushed or kept reachable.
 *
 * <p>Counting a repeat takes a volatile read and an atomic increment, no lock; the lock of a kind is taken only when
 * its interval rolls over. Thread-safe.
 */
public final class RepeatedEvents implements AutoCloseable {

    /** {@code log.repeatInterval}'s default, for an owner with no configuration (a {@code ReverseProxy} on its own). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    /** How many kinds are held before new ones are counted under {@link #OVERFLOW}. */
    static final int MAX_KINDS = 256;

    /** The kind that counts the events of new kinds while {@link #MAX_KINDS} are held. */
    static final String OVERFLOW = "other events";

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Logger logger;
    private final Level level;
    private final LongSupplier clock;
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private final Kind overflow;
    private volatile long intervalNanos;
    /** The periodic flush: null until the first kind is counted; written under {@code this}. */
    private volatile ScheduledFuture<?> flushing;
    private volatile boolean closed;

    /**
     * A log writing to {@code logger} at {@code level}, summarising once per {@code interval}.
     *
     * @param logger   where lines go
     * @param level    the level of every line, first events and summaries alike
     * @param interval how long repeats are counted before a summary; zero logs every event
     */
    public RepeatedEvents(Logger logger, Level level, Duration interval) {
        this(logger, level, interval, System::nanoTime);
    }

    /** As the public constructor, reading the time in nanoseconds from {@code clock}: for tests to drive. */
    RepeatedEvents(Logger logger, Level level, Duration interval, LongSupplier clock) {
        this.logger = logger;
        this.level = level;
        this.clock = clock;
        this.intervalNanos = interval.toNanos();
        this.overflow = new Kind(OVERFLOW, clock.getAsLong());
    }

    /**
     * Summarises once per {@code interval} from now on, the windows already open included.
     *
     * @param interval the new interval; zero logs every event
     */
    public void interval(Duration interval) {
        intervalNanos = interval.toNanos();
    }

    /**
     * Logs {@code "first kind"} when it is the first of its kind in the interval, else counts it.
     *
     * @param kind  what repeats, with its target ({@code "http://b:8080: 502, connect failed: ..."}); the key, and
     *              the text of the summary. Nothing that varies per request: that belongs in {@code first}
     * @param first what only this occurrence has (the request line, say), written before {@code kind}
     */
    public void event(String kind, String first) {
        if (!logger.isLoggable(level)) {
            return;
        }
        while (true) {
            long interval = intervalNanos;
            if (interval <= 0 || closed) {
                logger.log(level, first + " " + kind);
                return;
            }
            long now = clock.getAsLong();
            Kind counted = kindOf(kind, now);
            if (now - counted.windowStart < interval && counted.logged) {
                if (counted.count()) {
                    return;
                }
                continue;
            }
            synchronized (counted) {
                if (counted.retired()) {
                    continue;
                }
                if (closed) {
                    // Closed after this kind was added: the final flush may not have seen it, so none will.
                    retire(counted, now);
                    continue;
                }
                if (now - counted.windowStart < interval && counted.logged) {
                    counted.count();
                    return;
                }
                long repeats = counted.repeats.getAndSet(0) + 1;
                if (counted.logged && repeats > 1) {
                    logger.log(level, summary(counted.key, repeats, now - counted.windowStart));
                } else {
                    logger.log(level, first + " " + kind);
                }
                counted.windowStart = now;
                counted.logged = true;
            }
            return;
        }
    }

    /** The kind counting {@code kind}: its own, a new one, or {@link #overflow} when {@link #MAX_KINDS} are held. */
    private Kind kindOf(String kind, long now) {
        Kind counted = kinds.get(kind);
        if (counted != null) {
            return counted;
        }
        if (flushing == null) {
            startFlushing();
        }
        if (kinds.size() >= MAX_KINDS) {
            return overflow;
        }
        return kinds.computeIfAbsent(kind, key -> new Kind(key, now));
    }

    /** Writes the summary of every kind whose repeats are not yet logged, whether or not its interval is over. */
    public void flush() {
        flush(true, false);
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
        flush(true, true);
    }

    private synchronized void startFlushing() {
        if (flushing == null && !closed) {
            flushing = TIMER.scheduleWithFixedDelay(this::flushDue, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** What the timer runs: the summaries whose interval is over; forgets the kinds quiet for two intervals. */
    void flushDue() {
        flush(false, false);
    }

    private void flush(boolean all, boolean closing) {
        long now = clock.getAsLong();
        long interval = intervalNanos;
        for (Kind counted : kinds.values()) {
            flush(counted, now, interval, all, closing);
        }
        flush(overflow, now, interval, all, closing);
    }

    private void flush(Kind counted, long now, long interval, boolean all, boolean closing) {
        synchronized (counted) {
            if (counted.retired()) {
                return;
            }
            long elapsed = now - counted.windowStart;
            if (closing) {
                retire(counted, now);
                return;
            }
            if (!all && elapsed < interval) {
                return;
            }
            if (elapsed >= 2 * interval && counted != overflow && counted.repeats.compareAndSet(0, Kind.RETIRED)) {
                // Quiet for a whole interval after its last summary: forget it, so that its next event is logged as
                // a first one and the map holds only the kinds that are repeating.
                kinds.remove(counted.key, counted);
                return;
            }
            long repeats = counted.repeats.getAndSet(0);
            if (repeats > 0) {
                logger.log(level, summary(counted.key, repeats, elapsed));
                counted.windowStart = now;
            }
        }
    }

    /** Under the lock of {@code counted}: logs its last repeats and takes it out of use. */
    private void retire(Kind counted, long now) {
        long repeats = counted.repeats.getAndSet(Kind.RETIRED);
        if (repeats > 0) {
            logger.log(level, summary(counted.key, repeats, now - counted.windowStart));
        }
        kinds.remove(counted.key, counted);
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

    /**
     * One kind of event: when its interval began, whether its first event was logged, the repeats since. Retired
     * (forgotten by the timer, or flushed by the close) by swapping its count for {@link #RETIRED} under its lock, in
     * the same atomic step that reads the count, so a repeat lands either before (and is flushed) or after (and is
     * refused, for the caller to look the kind up again).
     */
    private static final class Kind {
        /** Negative however many late increments land on it. */
        static final long RETIRED = Long.MIN_VALUE;

        final String key;
        final AtomicLong repeats = new AtomicLong();
        volatile long windowStart;
        volatile boolean logged;

        /** Its interval starts at its creation, so the timer cannot forget it before its first event is logged. */
        Kind(String key, long now) {
            this.key = key;
            this.windowStart = now;
        }

        /** Counts a repeat; false when the kind is retired and the repeat must be counted elsewhere. */
        boolean count() {
            return repeats.getAndIncrement() >= 0;
        }

        boolean retired() {
            return repeats.get() < 0;
        }
    }
}
