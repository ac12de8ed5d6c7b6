package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.guard.FrontDoor;
import io.gatehouse.observe.ConnectionMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.Undertow;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.handlers.GracefulShutdownHandler;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running gateway: every listener of a {@link GatewayConfig} bound, each routing by Host among the vhosts
 * bound to it.
 *
 * <pre>{@code
 * GatewayConfig config = GatewayConfig.load(Path.of("gatehouse.yaml"));
 * try (Gateway gateway = Gateway.start(config)) {
 *     ...
 *     gateway.stop(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * All listeners share one XNIO worker and one buffer pool. {@link #stop(Duration)} stops accepting at once, lets
 * in-flight requests finish until the deadline, then closes every connection that is left.
 */
public final class Gateway implements AutoCloseable {

    private static final int BUFFER_SIZE = 16 * 1024;

    private final Duration drainTimeout;
    private final GatewayHandlers handlers;
    private final MeterRegistry registry;
    private final List<ConnectionMetrics> connectionMetrics = new ArrayList<>();
    private final XnioWorker worker;
    private final List<AcceptingChannel<StreamConnection>> servers = new ArrayList<>();
    private final List<GracefulShutdownHandler> drains = new ArrayList<>();
    private final List<InetSocketAddress> addresses = new ArrayList<>();
    private boolean stopped;

    private Gateway(GatewayConfig config, MeterRegistry registry) {
        this.drainTimeout = config.shutdown().drainTimeout();
        this.handlers = new GatewayHandlers(config, registry);
        this.registry = registry;
        this.worker = createWorker();
    }

    /**
     * Binds every listener of {@code config} and starts serving.
     *
     * @throws ListenerBindException naming the address, when a listener cannot be bound; nothing stays bound then
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, null);
    }

    /** Like {@link #start(GatewayConfig)}, recording meters in {@code registry} (null: none). */
    public static Gateway start(GatewayConfig config, MeterRegistry registry) {
        Gateway gateway = new Gateway(config, registry);
        try {
            ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE);
            for (ListenAddress listener : config.allListeners()) {
                gateway.bind(config, listener, buffers);
            }
        } catch (RuntimeException e) {
            gateway.stop(Duration.ZERO);
            throw e;
        }
        return gateway;
    }

    /**
     * The gateway as one handler, to mount in an application's own Undertow server: every vhost is served
     * whatever its {@code listen}. The caller's server owns listeners, limits and graceful shutdown; close the
     * returned handler to release backend connections.
     */
    public static GatewayHandler handler(GatewayConfig config, MeterRegistry registry) {
        GatewayHandlers handlers = new GatewayHandlers(config, registry);
        return new GatewayHandler(handlers.rootForAll(), handlers);
    }

    private void bind(GatewayConfig config, ListenAddress listener, ByteBufferPool buffers) {
        GracefulShutdownHandler drain = new GracefulShutdownHandler(handlers.rootFor(listener));
        // Built with FrontDoor rather than Undertow.builder(): the builder has no hook under its HTTP parser, where
        // the request-framing checks must sit.
        FrontDoor.Bound front;
        try {
            front = FrontDoor.open(worker, buffers, new InetSocketAddress(listener.host(), listener.port()), drain,
                    config.limits(), config.timeouts(), OptionMap.EMPTY, registry != null);
        } catch (IOException | RuntimeException e) {
            throw new ListenerBindException(listener, rootCause(e));
        }
        AcceptingChannel<StreamConnection> server = front.channel();
        servers.add(server);
        drains.add(drain);
        InetSocketAddress bound = server.getLocalAddress(InetSocketAddress.class);
        addresses.add(bound);
        if (registry != null) {
            connectionMetrics.add(ConnectionMetrics.register(registry, new ListenAddress(bound.getAddress().getHostAddress(),
                    bound.getPort()).toString(), front.statistics()));
        }
    }

    /** The addresses actually bound, in config order (port 0 in the config becomes the real port). */
    public List<InetSocketAddress> addresses() {
        return List.copyOf(addresses);
    }

    /**
     * Closes the access log file and opens it again by name, for log rotation; returns at once (see
     * {@link io.gatehouse.observe.AccessLog#reopen()}). Does nothing when the access log is off or standard output.
     */
    public void reopenAccessLog() {
        handlers.reopenAccessLog();
    }

    /**
     * Stops accepting connections, answers new requests on open connections with 503, lets in-flight requests
     * finish until {@code deadline}, then closes every connection that is left.
     *
     * @return true when every in-flight request finished before the deadline
     */
    public synchronized boolean stop(Duration deadline) {
        if (stopped) {
            return true;
        }
        stopped = true;
        // Closing the accepting channels leaves open connections to drain.
        servers.forEach(IoUtils::safeClose);
        drains.forEach(GracefulShutdownHandler::shutdown);
        long end = System.nanoTime() + deadline.toNanos();
        boolean drained = true;
        try {
            for (GracefulShutdownHandler drain : drains) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                drained &= left > 0 ? drain.awaitShutdown(left) : drain.awaitShutdown(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        handlers.close();
        connectionMetrics.forEach(ConnectionMetrics::close);
        worker.shutdownNow();
        return drained;
    }

    /** {@link #stop(Duration)} with the configured {@code shutdown.drainTimeout}. */
    @Override
    public void close() {
        stop(drainTimeout);
    }

    private static XnioWorker createWorker() {
        int ioThreads = Math.max(Runtime.getRuntime().availableProcessors(), 2);
        try {
            return Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, "gatehouse")
                    .set(Options.WORKER_IO_THREADS, ioThreads)
                    .set(Options.WORKER_TASK_CORE_THREADS, ioThreads * 8)
                    .set(Options.WORKER_TASK_MAX_THREADS, ioThreads * 8)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                    .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the IO worker", e);
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
