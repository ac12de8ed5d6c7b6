package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file larger than 4 GiB (sparse: no disk space used) served whole to several clients at once: every client gets
 * every byte, and the heap does not grow with the file (the body goes by zero-copy transfer, never through the
 * heap). Heap numbers are printed for the record; the assertion leaves a wide margin so that it cannot flake.
 */
@Timeout(600)
class FileServerLargeFileTest {

    private static final long SIZE = 4L * 1024 * 1024 * 1024 + 123;
    private static final int CLIENTS = 3;

    @TempDir
    static Path root;
    private static FileServerFixture server;

    @BeforeAll
    static void start() throws IOException {
        try (RandomAccessFile sparse = new RandomAccessFile(root.resolve("big.iso").toFile(), "rw")) {
            sparse.setLength(SIZE);
            sparse.seek(SIZE - 4);
            sparse.write("TAIL".getBytes(StandardCharsets.US_ASCII));
        }
        server = FileServerFixture.serving(files(root, f -> { }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void severalClientsEachReceiveTheWholeMultiGigabyteFileWhileTheHeapStaysFlat() throws Exception {
        long before = usedHeapAfterGc();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                results.add(clients.submit(FileServerLargeFileTest::download));
            }
            for (Future<long[]> result : results) {
                long[] lengthAndBody = result.get();
                assertEquals(SIZE, lengthAndBody[0], "Content-Length");
                assertEquals(SIZE, lengthAndBody[1], "body bytes received");
            }
        } finally {
            clients.shutdownNow();
        }
        long after = usedHeapAfterGc();
        System.out.printf("large file: %d clients x %d bytes; used heap after GC before %.1f MiB, after %.1f MiB%n",
                CLIENTS, SIZE, before / 1048576.0, after / 1048576.0);
        assertTrue(after - before < 64L * 1024 * 1024, "heap grew by " + (after - before) + " bytes");
    }

    @Test
    void rangeBeyondFourGibibytesIsServed() throws IOException {
        RawHttp.Response response = server.get("/big.iso", "Range: bytes=" + (SIZE - 4) + "-");
        assertEquals(206, response.status());
        assertEquals("bytes " + (SIZE - 4) + "-" + (SIZE - 1) + "/" + SIZE, response.header("Content-Range"));
        assertEquals("TAIL", response.bodyText());
    }

    /** GETs the file on a raw socket and counts the body bytes; returns {Content-Length, bytes received}. */
    private static long[] download() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write("GET /big.iso HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed in the head: " + head);
                }
                head.append((char) c);
            }
            long length = -1;
            for (String line : head.toString().split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(line.substring(15).strip());
                }
            }
            byte[] buffer = new byte[256 * 1024];
            long received = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                received += n;
            }
            return new long[] {length, received};
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
