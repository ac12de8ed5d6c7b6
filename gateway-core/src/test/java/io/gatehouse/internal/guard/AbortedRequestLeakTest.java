package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.Timeouts;
import io.gatehouse.GatewayMeters;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of clients that break off mid-upload or mid-download, through the real gateway, against a backend that
 * counts its open connections. Every aborted request must close its backend connection: once the clients are gone,
 * the backend's open connections and the gateway's own ({@code gatehouse.connections.active}) are back where they
 * were. The gateway's timeouts are set far beyond the test's own {@link Timeout}, so only the abort itself (never a
 * timeout) can close what it left open. Used heap after a full GC must not have grown by more than collector noise;
 * the figures are printed for the record.
 */
@Timeout(300)
class AbortedRequestLeakTest {

    private static final int ABORTS = 2_000;
    private static final int CLIENT_THREADS = 4;
    private static final int UPLOAD_DECLARED = 1 << 20;
    private static final int UPLOAD_SENT = 16 * 1024;
    private static final int UPLOAD_STARTED = 1024;
    private static final int DOWNLOAD_READ = 32 * 1024;
    /** Well above collector noise (under 2 MiB here), well below what retained connections cost (about 10 KiB each). */
    private static final long HEAP_SLACK = 16L << 20;
    /** Long enough that no timeout can be what closes a connection during the test. */
    private static final Timeouts LONG = new Timeouts(Duration.ofSeconds(5), Duration.ofMinutes(10),
            Duration.ofMinutes(10), Duration.ofMinutes(10));

    private CountingBackend backend;
    private SimpleMeterRegistry registry;
    private GuardedGateway gateway;

    @BeforeEach
    void start() throws IOException {
        backend = new CountingBackend();
        registry = new SimpleMeterRegistry();
        ProxyConfig proxy = Configs.proxy(p -> p.backend("http://127.0.0.1:" + backend.port())
                .connectTimeout(LONG.connect()).responseTimeout(LONG.response()));
        gateway = GuardedGateway.serving(proxy, Limits.DEFAULTS, LONG, registry);
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        backend.close();
    }

    @Test
    void abortedUploadsAndDownloadsCloseTheirBackendConnectionsAndLeaveNothingOpen() throws Exception {
        for (int i = 0; i < 50; i++) {
            RawHttp.Response warm = gateway.send("GET /small HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals(200, warm.status());
        }
        await(() -> gatewayConnections() == 0, "the warm-up's client connections to close");
        int backendBaseline = backend.open.get();
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

        run(ABORTS, this::abortUpload);
        run(ABORTS, this::abortDownload);

        await(() -> backend.open.get() <= backendBaseline,
                "the backend's open connections to return to " + backendBaseline + " (now " + backend.open.get() + ")");
        await(() -> gatewayConnections() == 0,
                "the gateway's client connections to return to 0 (now " + gatewayConnections() + ")");
        long heapAfter = usedHeapAfterGc();
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.printf(Locale.ROOT, "aborted %d uploads + %d downloads: backend connections accepted %d, open %d "
                        + "(baseline %d), truncated uploads seen %d; heap used after GC %.1f MiB -> %.1f MiB; "
                        + "threads %d -> %d%n", ABORTS, ABORTS, backend.accepted.get(), backend.open.get(),
                backendBaseline, backend.truncatedUploads.get(), heapBefore / 1048576.0, heapAfter / 1048576.0,
                threadsBefore, threadsAfter);

        // What the backend got: every download (the client saw its body start), and never a finished upload.
        assertEquals(ABORTS, backend.downloads.get(), "downloads that reached the backend");
        assertEquals(ABORTS, backend.truncatedUploads.get(), "uploads the backend saw cut short");
        assertEquals(0, backend.completeUploads.get(), "an upload the client broke off was completed for the backend");
        // Closed connections must not stay reachable: before FramingConduit's timer held its conduit weakly, these
        // 4,000 aborts kept about 40 MiB (every closed connection with its buffers) until timeouts.idle passed.
        assertTrue(heapAfter - heapBefore < HEAP_SLACK, "heap grew by " + (heapAfter - heapBefore) / 1048576 + " MiB");
        // What a client gets afterwards: the gateway still answers on a fresh connection.
        assertEquals(200, gateway.send("GET /small HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status());
    }

    @Test
    void clientsResettingMidUploadDoNotTakeTheBackendOutOfRotation() throws Exception {
        // Three failures in a row take a backend out (health.failures' default); a reset client is not a failure.
        for (int n = 0; n < 2 * ProxyConfig.Health.DEFAULT_FAILURES; n += 2) {
            abortUpload(n);
        }
        await(() -> backend.truncatedUploads.get() == ProxyConfig.Health.DEFAULT_FAILURES, "the uploads to end");
        RawHttp.Response response = gateway.send("GET /small HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status(), response.head());
    }

    /**
     * Sends a head declaring 1 MiB and 16 KiB of it, waits until the backend is reading that body, then goes away: a
     * FIN or, every other time, a reset.
     */
    private void abortUpload(int n) throws Exception {
        try (Socket socket = gateway.open("POST /upload/" + n + " HTTP/1.1\r\nHost: a\r\nContent-Length: "
                + UPLOAD_DECLARED + "\r\n\r\n")) {
            socket.getOutputStream().write(new byte[UPLOAD_SENT]);
            socket.getOutputStream().flush();
            backend.uploadStarted(n).get(30, TimeUnit.SECONDS);
            if (n % 2 == 0) {
                socket.setSoLinger(true, 0);
            }
        }
    }

    /** Reads the head and the first 32 KiB of an endless download, then goes away (FIN or reset). */
    private void abortDownload(int n) throws IOException {
        try (Socket socket = gateway.open("GET /download HTTP/1.1\r\nHost: a\r\n\r\n")) {
            InputStream in = socket.getInputStream();
            String head = RawBackend.readHead(in);
            if (head == null || !head.startsWith("HTTP/1.1 200 ")) {
                throw new AssertionError("download answered " + head);
            }
            if (in.readNBytes(DOWNLOAD_READ).length != DOWNLOAD_READ) {
                throw new AssertionError("download ended early");
            }
            if (n % 2 == 0) {
                socket.setSoLinger(true, 0);
            }
        }
    }

    private interface Abort {
        void run(int n) throws Exception;
    }

    private static void run(int count, Abort abort) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                done.add(clients.submit(() -> {
                    abort.run(n);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private double gatewayConnections() {
        Gauge gauge = registry.find(GatewayMeters.CONNECTIONS_ACTIVE).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    /** Polls until {@code condition} holds; the class's {@link Timeout} ends the wait otherwise. */
    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long logged = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - logged > 10_000_000_000L) {
                System.out.println("still waiting for " + what);
                logged = System.nanoTime();
            }
            Thread.sleep(50);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * A raw-socket backend that counts its open connections. {@code POST /upload} reads its declared body and
     * answers 200 only when the whole body came; {@code GET /download} answers 200 with a 1 GiB body it writes until
     * the connection breaks; anything else gets {@link RawBackend#OK}. A connection counts as open until the
     * backend has closed its socket, which it does as soon as the gateway closes or resets its end.
     */
    private static final class CountingBackend implements AutoCloseable {

        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger completeUploads = new AtomicInteger();
        final AtomicInteger truncatedUploads = new AtomicInteger();
        final AtomicInteger downloads = new AtomicInteger();
        private final Map<Integer, CompletableFuture<Void>> uploadsStarted = new ConcurrentHashMap<>();
        private final ServerSocket server;

        CountingBackend() throws IOException {
            server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::acceptLoop, "counting-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        /** Completes once the backend has read the head of upload {@code n} and the first bytes of its body. */
        CompletableFuture<Void> uploadStarted(int n) {
            return uploadsStarted.computeIfAbsent(n, key -> new CompletableFuture<>());
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    open.incrementAndGet();
                    Thread handler = new Thread(() -> serve(socket), "counting-backend-conn");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                String head;
                while ((head = RawBackend.readHead(in)) != null) {
                    if (head.startsWith("POST /upload/")) {
                        int first = in.readNBytes(UPLOAD_STARTED).length;
                        uploadStarted(Integer.parseInt(head.substring(13, head.indexOf(' ', 13)))).complete(null);
                        if (first + in.readNBytes(UPLOAD_DECLARED - first).length < UPLOAD_DECLARED) {
                            truncatedUploads.incrementAndGet();
                            return;
                        }
                        completeUploads.incrementAndGet();
                        out.write(RawBackend.OK.getBytes(StandardCharsets.ISO_8859_1));
                    } else if (head.startsWith("GET /download ")) {
                        downloads.incrementAndGet();
                        long length = 1L << 30;
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        byte[] block = new byte[16 * 1024];
                        for (long sent = 0; sent < length; sent += block.length) {
                            out.write(block);
                        }
                    } else {
                        out.write(RawBackend.OK.getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // The gateway closed or reset the connection: this conversation is over.
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
