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
import java.util.function.LongConsumer;

/**
 * Writes log lines on a thread of its own, so a slow or full disk never blocks a request thread: lines wait in a
 * bounded queue and, when it is full, are dropped and counted ({@link #dropped()}) rather than delaying a request.
 * A write that fails (a full disk, a revoked file) drops the lines it carried, counts them, and logs one warning
 * per run of failures; the next batch tries again.
 *
 * <p>{@link #reopen()} closes the destination and opens it again by name, for log rotation: lines queued before
 * it go to the old file (now renamed), lines after it to a new file.
 */
final class AccessLogWriter implements AutoCloseable {

    /** Where lines go; {@link #open()} is called once at start and again for each {@link #reopen()}. */
    interface Destination {
        OutputStream open() throws IOException;

        /** Whether {@link #open()} gives a new stream each time (a file) or the same one (standard output). */
        boolean reopenable();
    }

    private static final Logger LOG = System.getLogger(AccessLogWriter.class.getName());
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
    private final Destination destination;
    private final Thread thread;
    /** Set by the writer before it sleeps for good; the next line wakes it. */
    private volatile boolean asleep;
    private final StringBuilder batch = new StringBuilder(BATCH_BYTES);
    private int batchLines;
    private OutputStream out;
    private long failingSince = -1;

    /**
     * @param onDropped told the number of each drop, as it happens (a metric), from any thread
     * @throws IOException when the destination cannot be opened
     */
    AccessLogWriter(Destination destination, int queueCapacity, LongConsumer onDropped) throws IOException {
        this.destination = destination;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.onDropped = onDropped;
        this.out = destination.open();
        this.thread = new Thread(this::drain, "gatehouse-access-log");
        thread.setDaemon(true);
        thread.start();
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
                writeBatch();
                if (reopenRequested.getAndSet(false)) {
                    reopenStream();
                }
                idle();
                continue;
            }
            if (line == STOP) {
                writeBatch();
                closeStream();
                return;
            }
            if (line == REOPEN | reopenRequested.getAndSet(false)) {
                writeBatch();
                reopenStream();
            }
            if (line != REOPEN) {
                batch.append(line).append('\n');
                batchLines++;
            }
            if (batch.length() >= BATCH_BYTES) {
                writeBatch();
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

    private void writeBatch() {
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

    private void reopenStream() {
        if (!destination.reopenable()) {
            return;
        }
        closeStream();
        try {
            out = destination.open();
            LOG.log(Level.DEBUG, "access log reopened");
        } catch (IOException e) {
            // Lines are dropped (and counted) until a later reopen succeeds.
            LOG.log(Level.WARNING, "cannot reopen the access log; lines are dropped until the next reopen: " + e.getMessage());
            out = failing(e);
        }
    }

    private static OutputStream failing(IOException cause) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("not open: " + cause.getMessage(), cause);
            }
        };
    }

    private void closeStream() {
        if (!destination.reopenable()) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the access log failed: " + e.getMessage());
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
