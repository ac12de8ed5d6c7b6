package io.gatehouse.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The records a java.util.logging logger publishes from {@link #on} until {@link #close}. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    public static LogCapture on(Logger logger) {
        LogCapture capture = new LogCapture(logger);
        logger.addHandler(capture);
        return capture;
    }

    /**
     * The records of the logger named {@code name}: Gatehouse logs through {@link System.Logger}, which reaches the
     * java.util.logging logger of the same name unless the JVM has another backend.
     */
    public static LogCapture on(String name) {
        return on(Logger.getLogger(name));
    }

    public List<LogRecord> records() {
        return records;
    }

    /** The messages logged so far, in order. */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /**
     * Waits up to 10 s for a message {@code wanted} accepts, logged before this call or during it; fails the test when
     * none comes.
     *
     * @return that message
     */
    public String awaitMessage(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (this) {
            while (true) {
                for (String message : messages()) {
                    if (wanted.test(message)) {
                        return message;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such message logged; logged: " + messages());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** Fails with the first record at SEVERE (an ERROR through jboss-logging) or carrying a stack trace. */
    public void assertNoErrorNorStackTrace() {
        records.stream().filter(record -> record.getThrown() != null || record.getLevel() == Level.SEVERE)
                .findFirst().ifPresent(record -> {
                    throw new AssertionError(record.getLoggerName() + " " + record.getLevel() + ": "
                            + record.getMessage(), record.getThrown());
                });
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public void flush() {
    }

    /** Detaches from the logger. */
    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
