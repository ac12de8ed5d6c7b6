package io.gatehouse;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An access-log sink is never called concurrently, as {@link GatewayOptions.Builder#accessLogSink} promises, not even
 * while a reload that changes {@code accessLog} runs a second writer beside the replaced one: the new writer waits
 * until the sink has returned.
 */
@Timeout(30)
class AccessLogSinkAcrossReloadTest {

    private static final String REQUEST = "GET /a HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n";

    @Test
    void theNewWritersLineWaitsWhileTheReplacedWriterIsInTheSink() throws Exception {
        CountDownLatch firstEntered = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicReference<Thread> firstWriter = new AtomicReference<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        GatewayOptions options = GatewayOptions.builder().accessLogSink(line -> {
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                if (firstWriter.compareAndSet(null, Thread.currentThread())) {
                    firstEntered.countDown();
                    releaseFirst.await();
                }
                lines.add(line);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inside.decrementAndGet();
            }
        }).build();

        try (GatewayHandler mounted = Gateway.handler(config(AccessLogConfig.Format.COMBINED), options)) {
            Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(mounted).build();
            server.start();
            try {
                InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
                assertEquals(200, RawHttp.exchange(address, REQUEST).status());
                firstEntered.await();

                mounted.reload(config(AccessLogConfig.Format.JSON));
                assertEquals(200, RawHttp.exchange(address, REQUEST).status());
                Thread secondWriter = awaitAnotherWriterBlockedOrInside(firstWriter.get(), mostInside);

                assertEquals(1, mostInside.get(), "the sink was entered by two writers at once");
                assertEquals(Thread.State.BLOCKED, secondWriter.getState());
                releaseFirst.countDown();
            } finally {
                releaseFirst.countDown();
                server.stop();
            }
        }
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("{"), "the second line is the new configuration's JSON: " + lines.get(1));
    }

    private static GatewayConfig config(AccessLogConfig.Format format) {
        return GatewayConfig.builder()
                .accessLog(a -> a.format(format))
                .vhost(v -> v.hosts("a.test").echo())
                .build();
    }

    /**
     * Waits until a writer thread other than {@code first} is blocked waiting for the sink, or has entered it beside
     * the first ({@code mostInside} reaches 2): the one event or the other must happen once the line is queued.
     */
    private static Thread awaitAnotherWriterBlockedOrInside(Thread first, AtomicInteger mostInside)
            throws InterruptedException {
        while (true) {
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread != first && thread.getName().endsWith("access-log")
                        && (thread.getState() == Thread.State.BLOCKED || mostInside.get() > 1)) {
                    return thread;
                }
            }
            Thread.sleep(10);
        }
    }
}
