package io.gatehouse.observe;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes log lines on a thread of its own, so a slow or full disk never blocks a request thread: lines wait in
 * a bounded queue and, when it is full, are dropped and counted ({@link #dropped()}) rather than delaying a
 * request.
 */
final class AccessLogWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AccessLogWriter.class.getName());
    private static final int QUEUE_CAPACITY = 16_384;
    private static final String POISON = new String("stop");

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final Thread thread;

    private AccessLogWriter(Writer out) {
        this.out = out;
        this.thread = new Thread(this::drain, "gatehouse-access-log");
        thread.setDaemon(true);
        thread.start();
    }

    static AccessLogWriter toStream(OutputStream stream) {
        return new AccessLogWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8)));
    }

    static AccessLogWriter toFile(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        OutputStream stream = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new AccessLogWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8)));
    }

    void write(String line) {
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    long dropped() {
        return dropped.get();
    }

    private void drain() {
        try {
            while (true) {
                String line = queue.take();
                if (line == POISON) {
                    out.flush();
                    return;
                }
                writeLine(line);
                // Flush once the queue is empty: batches under load, prompt lines when quiet.
                if (queue.isEmpty()) {
                    flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "access log stopped: {0}", e.toString());
        }
    }

    private void writeLine(String line) {
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException e) {
            dropped.incrementAndGet();
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "access log write failed: {0}", e.toString());
        }
    }

    @Override
    public void close() {
        try {
            if (queue.offer(POISON, 1, TimeUnit.SECONDS)) {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
