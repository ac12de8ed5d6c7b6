package io.gatehouse.internal.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Writes log lines on a thread of its own, so a slow or full disk (or a slow logger) never blocks a request thread:
 * lines wait in a bounded queue and, when it is full, are dropped and counted ({@link #dropped()}) rather than
 * delaying a request.
 *
 * <p>Lines go to a stream ({@link Destination}: a file or standard output), in batches, or one at a time to a
 * consumer ({@link #toLines}: an application's sink, a logger). A write that fails (a full disk, a revoked file)
 * drops the lines it carried, counts them, and logs one warning per run of failures; the next batch tries again. A
 * consumer that throws loses its line, counted the same way, and each throw is a repeated event
 * ({@link RepeatedEvents}): the first is logged, its repeats are summarised.
 *
 * <p>{@link #reopen()} closes a file and opens it again by name, for log rotation: lines queued before it go to the
 * old file (now renamed), lines after it to a new file.
 */
final class AccessLogWriter implements AutoCloseable {

    /** A stream lines go to; {@link #open()} is called once at start and again for each {@link #reopen()}. */
    interface Destination {
        OutputStream open() throws IOException;

        /** Whether {@link #open()} gives a new stream each time (a file) or the same one (standard output). */
        boolean reopenable();
    }

    static final Logger LOG = System.getLogger(AccessLogWriter.class.getName());
    private static final int QUEUE_CAPACITY = 16_384;
    /** Write in batches of about this size, so a burst costs few system calls. */
    private static final int BATCH_BYTES = 64 * 1024;
    /**
     * How long the writer naps once it has written everything queued, so that under load lines are written in
     * batches at most this late. A wake-up per line (a futex call and a context switch, then a write of one line)
     * cost more than the request itself when the writer kept up. A nap that brings no line sends the writer to
     * sleep until the next line wakes it, so an idle gateway has an idle writer.
     */
    private static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final String STOP = new String("stop");
    private static final String REOPEN = new String("reopen");

    private final BlockingQueue<String> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean reopenRequested = new AtomicBoolean();
    private final LongConsumer onDropped;
    /** Used by the writer thread only, once started. */
    private final Output output;
    private final Thread thread;
    /** Set by the writer before it sleeps for good; the next line wakes it. */
    private volatile boolean asleep;

    /**
     * @param onDropped told the number of each drop, as it happens (a metric), from any thread
     * @throws IOException when the destination cannot be opened
     */
    AccessLogWriter(Destination destination, int queueCapacity, LongConsumer onDropped) throws IOException {
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.onDropped = onDropped;
        this.output = new StreamOutput(destination);
        this.thread = startWriting();
    }

    private AccessLogWriter(Consumer<String> consumer, String name, RepeatedEvents failures, LongConsumer onDropped) {
        this.queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        this.onDropped = onDropped;
        this.output = new LineOutput(consumer, name, failures);
        this.thread = startWriting();
    }

    private Thread startWriting() {
        Thread writer = new Thread(this::drain, "gatehouse-access-log");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    static AccessLogWriter toStream(OutputStream stream, LongConsumer onDropped) {
        try {
            return new AccessLogWriter(new Destination() {
                @Override
                public OutputStream open() {
                    return stream;
                }

                @Override
                public boolean reopenable() {
                    return false;
                }
            }, QUEUE_CAPACITY, onDropped);
        } catch (IOException e) {
            throw new AssertionError("opening a given stream cannot fail", e);
        }
    }

    static AccessLogWriter toFile(Path file, LongConsumer onDropped) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AccessLogWriter(new Destination() {
            @Override
            public OutputStream open() throws IOException {
                return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }

            @Override
            public boolean reopenable() {
                return true;
            }
        }, QUEUE_CAPACITY, onDropped);
    }

    /**
     * Hands each line, without its line break, to {@code consumer} on the writer thread.
     *
     * @param name     what the consumer is, for the warning when it throws ({@code "the access-log sink"})
     * @param failures where each throw is logged as a repeated event
     */
    static AccessLogWriter toLines(Consumer<String> consumer, String name, RepeatedEvents failures, LongConsumer onDropped) {
        return new AccessLogWriter(consumer, name, failures, onDropped);
    }

    /** Queues {@code line}; drops and counts it when the queue is full. Never blocks. */
    void write(String line) {
        if (!queue.offer(line)) {
            drop(1);
        } else if (asleep) {
            asleep = false;
            LockSupport.unpark(thread);
        }
    }

    /** Asks the writer thread to reopen the destination; returns at once. */
    void reopen() {
        // In the queue, so lines queued before go to the old file; a full queue falls back to a flag seen sooner.
        if (!queue.offer(REOPEN)) {
            reopenRequested.set(true);
        }
        LockSupport.unpark(thread);
    }

    long dropped() {
        return dropped.get();
    }

    private void drop(long lines) {
        dropped.addAndGet(lines);
        onDropped.accept(lines);
    }

    private void drain() {
        while (!Thread.currentThread().isInterrupted()) {
            String line = queue.poll();
            if (line == null) {
                output.flush();
                if (reopenRequested.getAndSet(false)) {
                    output.reopen();
                }
                idle();
                continue;
            }
            if (line == STOP) {
                output.flush();
                output.close();
                return;
            }
            if (line == REOPEN | reopenRequested.getAndSet(false)) {
                output.flush();
                output.reopen();
            }
            if (line != REOPEN) {
                output.add(line);
            }
        }
    }

    /** Naps; if still nothing came, sleeps until a line, a reopen or the stop wakes it. */
    private void idle() {
        LockSupport.parkNanos(this, NAP_NANOS);
        if (!queue.isEmpty() || reopenRequested.get()) {
            return;
        }
        asleep = true;
        // Checked again once asleep is visible: a line queued before it would not have woken the writer.
        if (queue.isEmpty() && !reopenRequested.get()) {
            LockSupport.park(this);
        }
        asleep = false;
    }

    private static OutputStream failing(IOException cause) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("not open: " + cause.getMessage(), cause);
            }
        };
    }

    /** What the writer thread does with each line; used by that thread only. */
    private interface Output {
        /** Takes one line, without its line break; may keep it until {@link #flush()}. */
        void add(String line);

        /** Writes what {@link #add} kept. */
        void flush();

        /** Opens the destination again by name; nothing for one that has no name. */
        void reopen();

        void close();
    }

    /** Lines batched into a stream: a file or standard output. */
    private final class StreamOutput implements Output {
        private final Destination destination;
        private final StringBuilder batch = new StringBuilder(BATCH_BYTES);
        private int batchLines;
        private OutputStream out;
        private long failingSince = -1;

        StreamOutput(Destination destination) throws IOException {
            this.destination = destination;
            this.out = destination.open();
        }

        @Override
        public void add(String line) {
            batch.append(line).append('\n');
            batchLines++;
            if (batch.length() >= BATCH_BYTES) {
                flush();
            }
        }

        @Override
        public void flush() {
            if (batchLines == 0) {
                return;
            }
            try {
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (failingSince >= 0) {
                    LOG.log(Level.INFO, "access log writing again; " + (dropped.get() - failingSince) + " lines were dropped");
                    failingSince = -1;
                }
            } catch (IOException e) {
                if (failingSince < 0) {
                    failingSince = dropped.get();
                    LOG.log(Level.WARNING, "access log write failed, dropping lines until writes succeed: " + e.getMessage());
                }
                drop(batchLines);
            } finally {
                batch.setLength(0);
                batchLines = 0;
            }
        }

        @Override
        public void reopen() {
            if (!destination.reopenable()) {
                return;
            }
            close();
            try {
                out = destination.open();
                LOG.log(Level.DEBUG, "access log reopened");
            } catch (IOException e) {
                // Lines are dropped (and counted) until a later reopen succeeds.
                LOG.log(Level.WARNING, "cannot reopen the access log; lines are dropped until the next reopen: " + e.getMessage());
                out = failing(e);
            }
        }

        @Override
        public void close() {
            if (!destination.reopenable()) {
                return;
            }
            try {
                out.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the access log failed: " + e.getMessage());
            }
        }
    }

    /**
     * Lines handed one by one to a consumer. A consumer that throws loses that line only: the next one is tried
     * again, as a failed write is.
     */
    private final class LineOutput implements Output {
        private final Consumer<String> consumer;
        private final String name;
        private final RepeatedEvents failures;

        LineOutput(Consumer<String> consumer, String name, RepeatedEvents failures) {
            this.consumer = consumer;
            this.name = name;
            this.failures = failures;
        }

        @Override
        public void add(String line) {
            try {
                consumer.accept(line);
            } catch (RuntimeException | LinkageError e) {
                drop(1);
                // The exception's type is the kind; its message, which may vary per line, only its first report.
                failures.event(name + " threw " + e.getClass().getName() + ", line dropped",
                        e.getMessage() == null ? "access log:" : "access log (" + e.getMessage() + "):");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void reopen() {
        }

        @Override
        public void close() {
        }
    }

    /** Writes what is queued, then closes the destination; waits up to five seconds. */
    @Override
    public void close() {
        try {
            if (queue.offer(STOP, 1, TimeUnit.SECONDS)) {
                LockSupport.unpark(thread);
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
