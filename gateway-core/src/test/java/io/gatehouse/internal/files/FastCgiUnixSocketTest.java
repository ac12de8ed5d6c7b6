package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.Latches;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * FastCGI servers on Unix-domain sockets that are not there, go away, answer late or start late, and the thread that
 * watches the sockets: each failure is the 502 or 504 of a TCP server, with one log line, and the thread ends with
 * the proxy and its last connection.
 */
@Timeout(60)
class FastCgiUnixSocketTest {

    private static final String PROXY_LOG = "io.gatehouse.internal.proxy";
    /** The record ending a FastCGI request without a body: an empty FCGI_STDIN for request 1. */
    private static final byte[] END_OF_REQUEST = {1, 5, 0, 1, 0, 0, 0, 0};

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    @TempDir
    Path run;

    @BeforeEach
    void scripts() throws IOException {
        write(root.resolve("hello.php"), "<?php echo 'hello from php-fpm';");
    }

    @Test
    void aMissingSocketFileIs502WithOneLogLineAndNoStackTrace() throws IOException {
        Path socket = run.resolve("none.sock");
        PhpSite site = cleanUp.add(PhpSite.serving(root, "unix:" + socket, c -> { }));
        try (LogCapture log = LogCapture.on(PROXY_LOG)) {
            assertEquals(502, site.get("/hello.php").status());

            List<LogRecord> records = log.records();
            assertEquals(1, records.size(), "one line: " + log.messages());
            LogRecord line = records.get(0);
            assertEquals(Level.WARNING, line.getLevel());
            assertTrue(line.getMessage().contains("unix:" + socket) && line.getMessage().contains("502"),
                    line.getMessage());
            assertNull(line.getThrown(), line.getMessage());
            assertFalse(line.getMessage().contains("\n"), line.getMessage());
        }
    }

    @Test
    void aSocketFileNobodyListensOnIs502() throws IOException {
        Path socket = run.resolve("stale.sock");
        // Closing the server leaves its file, as a php-fpm that was killed does.
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket)).close();
        PhpSite site = cleanUp.add(PhpSite.serving(root, "unix:" + socket, c -> { }));

        assertEquals(502, site.get("/hello.php").status());
    }

    @Test
    void anEndOfRequestRecordLongerThanItsEightBytesIs502() throws Exception {
        Path socket = run.resolve("long-end.sock");
        cleanUp.add(new OneRequestServer(socket, answer -> send(answer, record(3, "\0".repeat(64 * 1024 - 1)))));
        PhpSite site = cleanUp.add(PhpSite.serving(root, "unix:" + socket, c -> { }));

        assertEquals(502, site.get("/hello.php").status());
    }

    /**
     * A script that flushes after every line sends a record per line: many small records are gathered for the client
     * at once, and when the client's socket fills while they are, none may be lost.
     */
    @Test
    void aResponseOfManySmallRecordsReachesAClientSlowerThanTheScriptWhole() throws Exception {
        int lines = 500_000;
        Path socket = run.resolve("lines.sock");
        CountDownLatch gatewayStoppedReading = new CountDownLatch(1);
        cleanUp.add(new OneRequestServer(socket, answer -> {
            send(answer, record(6, "Content-Type: text/plain\r\n\r\n"));
            ByteBuffer batch = ByteBuffer.allocate(16 * 4096);
            try {
                answer.configureBlocking(false);
                for (int line = 0; line < lines; line++) {
                    batch.put(record(6, String.format("%07d\n", line)));
                    if (!batch.hasRemaining() || line == lines - 1) {
                        batch.flip();
                        while (batch.hasRemaining()) {
                            if (answer.write(batch) == 0) {
                                // The gateway stopped reading: the client's socket is full. Go on at the client's pace.
                                gatewayStoppedReading.countDown();
                                answer.configureBlocking(true);
                            }
                        }
                        batch.clear();
                    }
                }
                answer.configureBlocking(true);
            } catch (IOException e) {
                throw new AssertionError("the gateway closed the connection early", e);
            }
            gatewayStoppedReading.countDown();
            send(answer, record(6, ""), endRequest());
        }));
        PhpSite site = cleanUp.add(PhpSite.serving(root, "unix:" + socket, c -> c.responseTimeout(Duration.ofSeconds(30))));

        try (Socket client = site.sendFromSmallReceiveBuffer("/hello.php")) {
            Latches.await(gatewayStoppedReading);
            RawHttp.Response response = RawHttp.read(client);

            assertEquals(200, response.status(), response.head());
            String body = response.body();
            assertEquals(lines * 8, body.length(), "every line, no more");
            for (int line = 0; line < lines; line++) {
                String expected = String.format("%07d\n", line);
                if (!body.startsWith(expected, line * 8)) {
                    fail("line " + line + " is " + body.substring(line * 8, Math.min(body.length(), line * 8 + 8)));
                }
            }
        }
    }

    @Test
    void aServerThatClosesMidResponseIs502() throws Exception {
        Path socket = run.resolve("closes.sock");
        cleanUp.add(new OneRequestServer(socket, answer -> send(answer, record(6, "Status: 200 OK\r\nContent-Ty"))));
        PhpSite site = cleanUp.add(PhpSite.serving(root, "unix:" + socket, c -> { }));

        assertEquals(502, site.get("/hello.php").status());
    }

    @Test
    void aServerSlowerThanTheResponseTimeoutIs504AndItsConnectionIsClosed() throws Exception {
        Path socket = run.resolve("slow.sock");
        CountDownLatch closedByGateway = new CountDownLatch(1);
        cleanUp.add(new OneRequestServer(socket, from -> {
            try {
                // Nothing more comes: the read ends when the gateway closes the connection.
                if (from.read(ByteBuffer.allocate(1)) < 0) {
                    closedByGateway.countDown();
                }
            } catch (IOException reset) {
                closedByGateway.countDown();
            }
        }));
        PhpSite site = cleanUp.add(PhpSite.serving(root, "unix:" + socket, c -> c.responseTimeout(Duration.ofSeconds(1))));

        assertEquals(504, site.get("/hello.php").status());
        Latches.await(closedByGateway);
    }

    @Test
    void aServerStartedAfterTheGatewayIsUsedOnceItListens() throws Exception {
        Path socket = run.resolve("php.sock");
        PhpSite site = cleanUp.add(PhpSite.serving(root, "unix:" + socket, c -> { }));
        assertEquals(502, site.get("/hello.php").status());

        cleanUp.add(PhpFpm.onUnixSocket(run, socket));

        RawHttp.Response response = site.get("/hello.php");
        assertEquals(200, response.status());
        assertTrue(response.body().contains("hello from php-fpm"), response.body());
    }

    @Test
    void closingTheProxyEndsItsUnixSocketThread() throws Exception {
        Set<Thread> before = unixSocketThreads();
        PhpSite site = PhpSite.serving(root, "unix:" + run.resolve("php.sock"), c -> { });
        Set<Thread> started = unixSocketThreads();
        started.removeAll(before);
        assertEquals(1, started.size(), "one thread per proxy: " + started);

        site.close();

        Thread thread = started.iterator().next();
        thread.join(10_000);
        assertFalse(thread.isAlive(), "the thread ended");
    }

    @Test
    void aScriptRunningWhenTheProxyClosesStillAnswersAndThenTheThreadEnds() throws Exception {
        Path socket = run.resolve("slow.sock");
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        cleanUp.add(new OneRequestServer(socket, to -> {
            received.countDown();
            Latches.await(answer);
            send(to, record(6, "Content-Type: text/plain\r\n\r\nlate"), record(6, ""), endRequest());
        }));
        Set<Thread> before = unixSocketThreads();
        PhpSite site = cleanUp.add(PhpSite.serving(root, "unix:" + socket, c -> { }));
        Set<Thread> started = unixSocketThreads();
        started.removeAll(before);
        try (Socket client = new Socket("127.0.0.1", site.port())) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write("GET /hello.php HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Latches.await(received);

            site.scripts().close();
            answer.countDown();

            RawHttp.Response response = RawHttp.read(client);
            assertEquals(200, response.status());
            assertEquals("late", response.body());
        }
        Thread thread = started.iterator().next();
        thread.join(10_000);
        assertFalse(thread.isAlive(), "the thread ended with its last connection");
    }

    private static Set<Thread> unixSocketThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("gatehouse-unix") && thread.isAlive())
                .collect(Collectors.toSet());
    }

    /** A FastCGI record for request 1 of {@code type} with {@code content}, no padding. */
    private static byte[] record(int type, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
        byte[] record = Arrays.copyOf(new byte[] {1, (byte) type, 0, 1, (byte) (bytes.length >>> 8), (byte) bytes.length,
                0, 0}, 8 + bytes.length);
        System.arraycopy(bytes, 0, record, 8, bytes.length);
        return record;
    }

    /** FCGI_END_REQUEST: application status 0, FCGI_REQUEST_COMPLETE. */
    private static byte[] endRequest() {
        return record(3, "\0".repeat(8));
    }

    private static void send(SocketChannel to, byte[]... records) {
        try {
            for (byte[] record : records) {
                ByteBuffer buffer = ByteBuffer.wrap(record);
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("the gateway closed the connection early", e);
        }
    }

    /**
     * A FastCGI server on a Unix socket that takes one connection, reads its request to the end (a GET's empty
     * FCGI_STDIN), then lets {@code answer} write to it on its own thread and closes the connection.
     */
    private static final class OneRequestServer implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Thread thread;

        OneRequestServer(Path socket, Consumer<SocketChannel> answer) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(() -> {
                try (SocketChannel connection = server.accept()) {
                    readRequest(connection);
                    answer.accept(connection);
                } catch (IOException closed) {
                    // The test ended first.
                }
            }, "fastcgi-test-server");
            thread.setDaemon(true);
            thread.start();
        }

        private static void readRequest(SocketChannel connection) throws IOException {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (!endsWithEndOfRequest(request.toByteArray())) {
                buffer.clear();
                if (connection.read(buffer) < 0) {
                    throw new IOException("the request ended early");
                }
                request.write(buffer.array(), 0, buffer.position());
            }
        }

        private static boolean endsWithEndOfRequest(byte[] bytes) {
            return bytes.length >= END_OF_REQUEST.length && Arrays.equals(bytes, bytes.length - END_OF_REQUEST.length,
                    bytes.length, END_OF_REQUEST, 0, END_OF_REQUEST.length);
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(10_000);
        }
    }
}
