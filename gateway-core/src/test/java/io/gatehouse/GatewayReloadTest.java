package io.gatehouse;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.VirtualHost;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp.Response;
import io.gatehouse.testing.UnusedPort;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatehouse.testing.Configs.vhost;
import static io.gatehouse.testing.Latches.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Gateway#reload} against real listeners and real backends: what changes, what does not, and that no
 * request is lost while it happens.
 */
@Timeout(120)
class GatewayReloadTest {

    private static final ListenAddress EPHEMERAL = new ListenAddress("127.0.0.1", 0);
    private static final String GET = "GET /tag HTTP/1.1\r\nHost: app.test\r\n\r\n";
    private static final String GET_AND_CLOSE = "GET /tag HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n";

    private final List<AutoCloseable> cleanUp = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanUp.size() - 1; i >= 0; i--) {
            cleanUp.get(i).close();
        }
    }

    @Test
    void hundredReloadsUnderContinuousLoadFailNoRequest() throws Exception {
        URI a = taggingBackend("a");
        URI b = taggingBackend("b");
        GatewayConfig toA = gateway(proxy(List.of(), a));
        GatewayConfig toB = gateway(proxy(List.of(), b));
        Gateway gateway = started(toA);
        InetSocketAddress address = gateway.addresses().get(0);

        Load load = new Load(address, 4);
        try {
            load.awaitCompleted(50);
            for (int reload = 1; reload <= 100; reload++) {
                gateway.reload(reload % 2 == 1 ? toB : toA);
                // Enough traffic between two reloads that every reload overlaps requests in flight.
                load.awaitCompleted(load.completed() + 20);
            }
        } finally {
            load.stop();
        }

        assertEquals(List.of(), load.failures(), "requests that failed or were reset during the reloads");
        assertTrue(load.completed() >= 2_000, "completed " + load.completed());
        assertTrue(load.seen("a") > 0 && load.seen("b") > 0, "both configurations served: " + load.tags);
        assertTrue(load.newConnections() > 0 && load.reusedConnections() > 0,
                "new: " + load.newConnections() + ", keep-alive: " + load.reusedConnections());
    }

    @Test
    void requestInFlightAtReloadFinishesUnderTheConfigurationItStartedWith() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RawBackend slow = backend(RawBackend.with(socket -> {
            arrived.countDown();
            await(release);
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow".getBytes(StandardCharsets.US_ASCII));
            return false;
        }));
        Gateway gateway = started(gateway(proxy(List.of(), URI.create("http://127.0.0.1:" + slow.port()))));
        InetSocketAddress address = gateway.addresses().get(0);

        try (Socket inFlight = new Socket()) {
            inFlight.connect(address);
            inFlight.getOutputStream().write(GET_AND_CLOSE.getBytes(StandardCharsets.US_ASCII));
            await(arrived);

            gateway.reload(gateway(proxy(List.of(), taggingBackend("b"))));
            Response afterReload = RawHttp.exchange(address, GET_AND_CLOSE);
            release.countDown();
            Response old = RawHttp.read(inFlight);

            assertEquals("b", afterReload.body(), "a request that starts after the reload is served by the new routes");
            assertEquals(200, old.status());
            assertEquals("slow", old.body(), "the request that started before is answered by the old backend");
        }
    }

    @Test
    void reloadBindsAListenerTheNewConfigurationAdds() throws Exception {
        ListenAddress first = freeAddress();
        ListenAddress added = freeAddress();
        URI a = taggingBackend("a");
        Gateway gateway = started(gateway(proxy(List.of(first), a)));

        Gateway.Reloaded reloaded = gateway.reload(gateway(proxy(List.of(first, added), a)));

        assertEquals(List.of(added), reloaded.added());
        assertEquals(List.of(first), reloaded.kept());
        assertEquals("a", RawHttp.exchange(socketAddress(added), GET_AND_CLOSE).body());
        assertEquals("a", RawHttp.exchange(socketAddress(first), GET_AND_CLOSE).body());
    }

    @Test
    void reloadClosesARemovedListenerAndItsIdleConnections() throws Exception {
        ListenAddress kept = freeAddress();
        ListenAddress removed = freeAddress();
        URI a = taggingBackend("a");
        Gateway gateway = started(gateway(proxy(List.of(kept, removed), a)));
        try (Socket idle = new Socket()) {
            idle.connect(socketAddress(removed));
            idle.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            assertEquals("a", readResponse(idle.getInputStream()));

            Gateway.Reloaded reloaded = gateway.reload(gateway(proxy(List.of(kept), a)));

            assertEquals(List.of(removed), reloaded.removed());
            idle.setSoTimeout(10_000);
            assertEquals(-1, readToEnd(idle.getInputStream()), "the idle keep-alive connection is closed");
            assertThrows(ConnectException.class, () -> RawHttp.exchange(socketAddress(removed), GET_AND_CLOSE));
            assertEquals("a", RawHttp.exchange(socketAddress(kept), GET_AND_CLOSE).body());
        }
    }

    @Test
    void reloadThatCannotBindAnAddedListenerChangesNothing() throws Exception {
        ListenAddress first = freeAddress();
        ListenAddress wouldBeAdded = freeAddress();
        URI a = taggingBackend("a");
        URI b = taggingBackend("b");
        Gateway gateway = started(gateway(proxy(List.of(first), a)));
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            ListenAddress busy = new ListenAddress("127.0.0.1", taken.getLocalPort());

            ListenerBindException error = assertThrows(ListenerBindException.class,
                    () -> gateway.reload(gateway(proxy(List.of(first, wouldBeAdded, busy), b))));

            assertEquals(busy, error.address());
        }
        assertEquals("a", RawHttp.exchange(socketAddress(first), GET_AND_CLOSE).body(), "the old routes still serve");
        assertThrows(ConnectException.class, () -> RawHttp.exchange(socketAddress(wouldBeAdded), GET_AND_CLOSE),
                "the listener bound before the failure was released");
        assertEquals(List.of(socketAddress(first)), gateway.addresses());
    }

    @Test
    void replacedConfigurationClosesItsIdleBackendConnectionsOnceDrained() throws Exception {
        CountDownLatch closedByGateway = new CountDownLatch(1);
        RawBackend keepAlive = backend(RawBackend.with(socket -> {
            socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            if (RawBackend.readHead(socket.getInputStream()) == null) {
                closedByGateway.countDown();
            }
            return false;
        }));
        Gateway gateway = started(gateway(proxy(List.of(), URI.create("http://127.0.0.1:" + keepAlive.port()))));
        assertEquals("ok", RawHttp.exchange(gateway.addresses().get(0), GET_AND_CLOSE).body());

        gateway.reload(gateway(proxy(List.of(), taggingBackend("b"))));

        assertTrue(closedByGateway.await(10, TimeUnit.SECONDS), "the old pool's idle backend connection was closed");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Clients on {@code threads} threads, each alternating keep-alive batches and one-request connections. */
    private static final class Load {
        final Map<String, AtomicLong> tags = new ConcurrentHashMap<>();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong newConnections = new AtomicLong();
        private final AtomicLong reused = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads;
        private final List<Future<?>> clients = new ArrayList<>();
        private final InetSocketAddress address;

        Load(InetSocketAddress address, int threadCount) {
            this.address = address;
            this.threads = Executors.newFixedThreadPool(threadCount);
            for (int i = 0; i < threadCount; i++) {
                clients.add(threads.submit(this::loop));
            }
        }

        private void loop() {
            while (running.get()) {
                keepAliveBatch(10);
                oneRequestConnection();
            }
        }

        private void keepAliveBatch(int requests) {
            try (Socket socket = new Socket()) {
                socket.connect(address, 5_000);
                socket.setSoTimeout(10_000);
                newConnections.incrementAndGet();
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                for (int i = 0; i < requests && running.get(); i++) {
                    out.write(GET.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    record(readResponse(in));
                    if (i > 0) {
                        reused.incrementAndGet();
                    }
                }
            } catch (IOException | RuntimeException e) {
                failures.add("keep-alive: " + e);
            }
        }

        private void oneRequestConnection() {
            try (Socket socket = new Socket()) {
                socket.connect(address, 5_000);
                socket.setSoTimeout(10_000);
                newConnections.incrementAndGet();
                socket.getOutputStream().write(GET_AND_CLOSE.getBytes(StandardCharsets.US_ASCII));
                record(readResponse(socket.getInputStream()));
            } catch (IOException | RuntimeException e) {
                failures.add("new connection: " + e);
            }
        }

        private void record(String tag) {
            if (!tag.equals("a") && !tag.equals("b")) {
                failures.add("unexpected answer: " + tag);
                return;
            }
            tags.computeIfAbsent(tag, t -> new AtomicLong()).incrementAndGet();
            completed.incrementAndGet();
        }

        long completed() {
            return completed.get();
        }

        long seen(String tag) {
            AtomicLong count = tags.get(tag);
            return count == null ? 0 : count.get();
        }

        long newConnections() {
            return newConnections.get();
        }

        long reusedConnections() {
            return reused.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        /** Waits until {@code count} requests completed, or fails if the clients report failures meanwhile. */
        void awaitCompleted(long count) throws InterruptedException {
            while (completed.get() < count && failures.isEmpty()) {
                Thread.sleep(1);
            }
        }

        void stop() throws Exception {
            running.set(false);
            for (Future<?> client : clients) {
                client.get(30, TimeUnit.SECONDS);
            }
            threads.shutdown();
        }
    }

    /**
     * Reads one response: its status must be 200 and its body is returned; anything else is an IOException, so
     * that the load counts it as a failure.
     */
    private static String readResponse(InputStream in) throws IOException {
        String head = RawBackend.readHead(in);
        if (head == null) {
            throw new IOException("connection closed before a response");
        }
        if (!head.startsWith("HTTP/1.1 200 ")) {
            throw new IOException("status " + head.lines().findFirst().orElse(""));
        }
        return new String(RawBackend.readBody(in, head), StandardCharsets.UTF_8);
    }

    /** A real Undertow backend answering every request with {@code tag}, keep-alive. */
    private URI taggingBackend(String tag) {
        Undertow server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send(tag);
                })
                .build();
        server.start();
        cleanUp.add(server::stop);
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        return URI.create("http://127.0.0.1:" + address.getPort());
    }

    private RawBackend backend(RawBackend backend) {
        cleanUp.add(backend);
        return backend;
    }

    private Gateway started(GatewayConfig config) {
        Gateway gateway = Gateway.start(config);
        cleanUp.add(() -> gateway.stop(Duration.ofSeconds(5)));
        return gateway;
    }

    private static GatewayConfig gateway(VirtualHost vhost) {
        return io.gatehouse.testing.Configs.gateway(List.of(EPHEMERAL), AccessLogConfig.OFF_CONFIG, vhost);
    }

    /** The vhost {@code app.test} proxying to {@code backend}, on {@code listen} (empty: the gateway's listeners). */
    private static VirtualHost proxy(List<ListenAddress> listen, URI backend) {
        ProxyConfig proxy = io.gatehouse.testing.Configs.proxy(p -> p.backend(backend.toString())); // every setting at its default
        return vhost("app", List.of("app.test"), listen, proxy);
    }

    private static ListenAddress freeAddress() {
        return new ListenAddress("127.0.0.1", UnusedPort.next());
    }

    private static InetSocketAddress socketAddress(ListenAddress address) {
        return new InetSocketAddress(address.host(), address.port());
    }

    /** -1 when the peer closed or reset the connection; 0 when it was still open at the read timeout. */
    private static int readToEnd(InputStream in) {
        try {
            while (in.read() >= 0) {
                // discard anything before the close
            }
            return -1;
        } catch (SocketTimeoutException stillOpen) {
            return 0;
        } catch (IOException reset) {
            return -1;
        }
    }
}
