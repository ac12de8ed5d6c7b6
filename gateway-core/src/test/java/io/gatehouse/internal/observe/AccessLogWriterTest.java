package io.gatehouse.internal.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class AccessLogWriterTest {

    @TempDir
    Path dir;

    /** A destination whose every write fails, as a full disk's does. */
    private static AccessLogWriter.Destination fullDisk() {
        return new AccessLogWriter.Destination() {
            @Override
            public OutputStream open() {
                return new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("No space left on device");
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        throw new IOException("No space left on device");
                    }
                };
            }

            @Override
            public boolean reopenable() {
                return false;
            }
        };
    }

    @Test
    void linesThatCannotBeWrittenAreDroppedAndCounted() throws Exception {
        AtomicLong reported = new AtomicLong();
        AccessLogWriter writer = new AccessLogWriter(fullDisk(), 100, reported::addAndGet);
        for (int i = 0; i < 3; i++) {
            writer.write("line " + i);
        }
        writer.close(); // writes what is queued first

        assertEquals(3, writer.dropped());
        assertEquals(3, reported.get());
    }

    @Test
    void linesBeyondTheQueueAreDroppedWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stalled = new CountDownLatch(1);
        AtomicLong reported = new AtomicLong();
        AccessLogWriter writer = new AccessLogWriter(new AccessLogWriter.Destination() {
            @Override
            public OutputStream open() {
                return new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        stalled.countDown();
                        try {
                            release.await(); // a disk that stalls
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                    }
                };
            }

            @Override
            public boolean reopenable() {
                return false;
            }
        }, 2, reported::addAndGet);
        // The writer thread takes the first line and stalls writing it (waited for: it may take several lines at a
        // time, so writing all ten at once left the count to the race); then two fill the queue and the rest drop.
        writer.write("line 0");
        stalled.await();
        for (int i = 1; i < 11; i++) {
            writer.write("line " + i);
        }
        assertTrue(writer.dropped() >= 7, "dropped " + writer.dropped());
        assertEquals(8, writer.dropped());
        assertEquals(writer.dropped(), reported.get());
        release.countDown();
        writer.close();
    }

    @Test
    void reopenSendsLaterLinesToANewFileAndKeepsEarlierOnesInTheRenamedOne() throws Exception {
        Path log = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        AccessLogWriter writer = AccessLogWriter.toFile(log, lines -> { });
        writer.write("before");
        awaitContent(log, List.of("before"));

        Files.move(log, rotated);
        writer.write("after rename, before reopen");
        writer.reopen();
        writer.write("after reopen");
        writer.close();

        assertEquals(List.of("before", "after rename, before reopen"), Files.readAllLines(rotated));
        assertEquals(List.of("after reopen"), Files.readAllLines(log));
    }

    @Test
    void lineAfterTheWriterFellAsleepStillReachesTheFileWithoutAClose() throws Exception {
        Path log = dir.resolve("access.log");
        AccessLogWriter writer = AccessLogWriter.toFile(log, lines -> { });
        try {
            writer.write("first");
            awaitContent(log, List.of("first"));
            // Well past the writer's 10 ms nap: it now sleeps until a line wakes it.
            Thread.sleep(200);

            writer.write("second");
            awaitContent(log, List.of("first", "second"));
        } finally {
            writer.close();
        }
    }

    private static void awaitContent(Path file, List<String> lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(file) && Files.readAllLines(file).equals(lines))) {
            assertTrue(System.nanoTime() < deadline, "the writer never wrote " + lines);
            Thread.sleep(10);
        }
    }
}
