package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.internal.guard.FrontDoor;
import io.gatehouse.internal.guard.Http2Door;
import io.gatehouse.internal.guard.PriorKnowledge;
import io.gatehouse.internal.guard.RefusedRequests;
import io.gatehouse.internal.http.DrainCut;
import io.gatehouse.internal.observe.ConnectionMetrics;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.internal.tls.HandshakeSettings;
import io.gatehouse.internal.tls.TlsFrontDoor;
import io.gatehouse.internal.xnio.PerIoThread;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One bound address. The accepting socket and the connections on it outlive reloads: requests enter through a
 * {@link GenerationGate}, served by the tree for this address of the generation current when each one starts. A
 * reload {@linkplain #switchTo(Generation) publishes} a new generation, so the next request on any connection, old or
 * new, sees the new routes.
 *
 * <p>Closing is two steps, for a graceful stop and for a listener a reload removes alike:
 * {@link #stopAccepting()} closes the accepting socket and answers requests that still arrive on open connections
 * with 503 and {@code Connection: close}; in-flight requests go on. {@link #closeConnectionsAt} then closes
 * whatever is left at the drain's deadline, telling the requests it cuts so ({@link DrainCut}).
 */
final class Listener {

    /**
     * What every listener of one gateway shares: the worker that runs them (the gateway's or the application's), the
     * I/O buffers, the guard's read buffers, the log of refused requests, and the meter registry (null: none). The
     * buffers are the gateway's whoever's the worker is; {@link #release()} lets go of them once the listeners are
     * closed.
     *
     * <p>HTTP/2 connections have buffers of their own ({@code http2Buffers}), with a deeper cache per IO thread: their
     * frames go out once per IO thread round ({@code CheckedHttp2Channel}), and each response holds two buffers (its
     * HEADERS and its DATA) until then, so a busy round holds a few hundred; with the usual cache of 16 most of them
     * would be new direct buffers, zeroed, and collected afterwards. The cache fills only as far as HTTP/2 load
     * needs, and gives back what a second went by without ({@link ThreadCachedBufferPool}).
     */
    record Shared(XnioWorker worker, ThreadCachedBufferPool buffers, ThreadCachedBufferPool http2Buffers,
                  PerIoThread<ByteBuffer> reads, RepeatedEvents refusals, MeterRegistry registry) {

        /** Buffers cached per IO thread for HTTP/2 connections: see above. */
        private static final int HTTP2_BUFFERS_PER_THREAD = 256;

        /** The buffers of a gateway running on {@code worker}, with its {@code refusals} log and meters. */
        static Shared on(XnioWorker worker, int bufferSize, RepeatedEvents refusals, MeterRegistry registry) {
            return new Shared(worker, new ThreadCachedBufferPool(bufferSize, worker),
                    new ThreadCachedBufferPool(bufferSize, worker, HTTP2_BUFFERS_PER_THREAD), FrontDoor.readBuffers(worker),
                    refusals, registry);
        }

        /**
         * Drops every buffer the listeners' IO threads cached; call once every listener is closed. Connections still
         * closing then drop theirs rather than return them.
         */
        void release() {
            buffers.close();
            http2Buffers.close();
            reads.release();
        }
    }

    private final ListenAddress address;
    private final Shared shared;
    /** Open client connections, idle ones included; counted only with a registry, for the connections gauge. */
    private final AtomicInteger open = new AtomicInteger();
    private final HttpOpenListener connections;
    /**
     * HTTP/2: on a {@code tls} listener chosen by ALPN, on an {@code h2c} listener with prior knowledge; null on
     * others.
     */
    private final Http2Door http2;
    /** The TLS side of a {@code tls} listener, in front of {@link #connections} and {@link #http2}; null on others. */
    private final TlsFrontDoor tls;
    /** What a TLS connection accepted now handshakes with: the current generation's certificates; null if plain. */
    private volatile HandshakeSettings handshakes;
    private final GenerationGate gate;
    /** Tells the requests of this listener whether a drain deadline closed their connections. */
    private final DrainCut drainCut = new DrainCut();
    private AcceptingChannel<StreamConnection> acceptor;
    private InetSocketAddress bound;
    private ConnectionMetrics metrics;
    private volatile boolean closing;

    private Listener(ListenAddress address, Generation generation, Shared shared) {
        this.address = address;
        this.shared = shared;
        this.gate = new GenerationGate(generation, serving -> serving.rootFor(address));
        this.connections = new HttpOpenListener(shared.buffers(), options(generation.config()));
        HttpHandler guarded = FrontDoor.guard(this::admitRequest, shared.refusals());
        connections.setRootHandler(guarded);
        GatewayConfig config = generation.config();
        this.http2 = address.h2c() || address.tls()
                ? new Http2Door(shared.http2Buffers(), guarded, shared.refusals(), config.limits(), config.timeouts())
                : null;
        this.tls = address.tls() ? tlsFrontDoor() : null;
        this.handshakes = handshakes(generation);
    }

    /**
     * Binds {@code address} on the {@code shared} worker and starts accepting, serving {@code generation}'s tree for
     * it. Each accepted connection gets the request-framing checks of the generation current then, under Undertow's
     * parser; with a registry, the listener has a {@code gatehouse.connections.active} gauge. On a TLS address
     * connections handshake first, with the certificates of the generation current at accept.
     *
     * @throws ListenerBindException when the address cannot be bound
     */
    static Listener bind(ListenAddress address, Generation generation, Shared shared) {
        Listener listener = new Listener(address, generation, shared);
        XnioWorker worker = shared.worker();
        try {
            // The socket options Undertow.Builder uses, so that behaviour matches an Undertow-built listener.
            OptionMap socket = OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.REUSE_ADDRESSES, true)
                    .set(Options.BALANCING_TOKENS, 1)
                    .set(Options.BALANCING_CONNECTIONS, 2)
                    .set(Options.BACKLOG, 1000)
                    .getMap();
            InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
            listener.acceptor = worker.createStreamConnectionServer(at, ChannelListeners.openListenerAdapter(
                    listener.tls == null ? listener::setUpConnection : listener::setUpTlsConnection), socket);
        } catch (IOException | RuntimeException e) {
            throw new ListenerBindException(address, rootCause(e));
        }
        listener.bound = (InetSocketAddress) listener.acceptor.getLocalAddress();
        if (shared.registry() != null) {
            listener.metrics = ConnectionMetrics.register(shared.registry(),
                    new ListenAddress(listener.bound.getAddress().getHostAddress(), listener.bound.getPort()).toString(),
                    listener.open);
        }
        listener.acceptor.resumeAccepts();
        return listener;
    }

    /**
     * Readies a connection just accepted: the framing checks go under Undertow's parser with the limits and timeouts
     * of the generation current now (a later reload does not change them), then Undertow takes the connection.
     */
    private void setUpConnection(StreamConnection connection) {
        ClientSocketReads.install(connection.getSourceChannel());
        if (address.h2c()) {
            tellPriorKnowledge(connection, gate.generation().config());
            return;
        }
        serveHttp1(connection, null);
    }

    /** Undertow's HTTP/1.1 parser takes the connection, over the framing checks, which judge {@code firstBytes} first. */
    private void serveHttp1(StreamConnection connection, ByteBuffer firstBytes) {
        installFramingCheck(connection, firstBytes);
        connections.handleEvent(connection);
        if (shared.registry() != null) {
            countUntilClosed(connection);
        }
    }

    private void installFramingCheck(StreamConnection connection) {
        installFramingCheck(connection, null);
    }

    /** The framing checks of the generation current now, which judge {@code firstBytes} (may be null) first. */
    private void installFramingCheck(StreamConnection connection, ByteBuffer firstBytes) {
        GatewayConfig config = gate.generation().config();
        FrontDoor.installFramingCheck(connection, config.limits(), config.timeouts(), shared.refusals(), shared.reads(),
                firstBytes);
    }

    /**
     * The TLS side of this listener: ALPN between {@link #http2} and HTTP/1.1, which gets the framing checks on the
     * decrypted connection and then {@link #connections}, exactly as a plain connection. Kept apart from the plain
     * path, which it only calls into.
     */
    private TlsFrontDoor tlsFrontDoor() {
        return new TlsFrontDoor(shared.buffers(), connections, this::installFramingCheck, http2);
    }

    /**
     * Readies a connection just accepted on a TLS listener: it handshakes with the certificates of the generation
     * current now, which it keeps whatever a reload changes, within {@code timeouts.requestHeader}.
     */
    private void setUpTlsConnection(StreamConnection connection) {
        // Right on the socket, under the TLS conduit, which is all the deferral assumes: the TLS conduit passes
        // suspend and resume down to it, so the HTTP/1.1 parser's per-request pair costs no epoll call here either.
        ClientSocketReads.install(connection.getSourceChannel());
        if (shared.registry() != null) {
            countUntilClosed(connection);
        }
        tls.accept(connection, handshakes, gate.generation().config().timeouts().requestHeader());
    }

    /** What this listener's connections handshake with under {@code generation}: null on a plain listener. */
    private HandshakeSettings handshakes(Generation generation) {
        // A validated configuration has certificates whenever it has a tls listener.
        return address.tls() ? new HandshakeSettings(generation.tls(address)) : null;
    }

    /**
     * On an {@code h2c} listener: the connection's first bytes tell HTTP/2 with prior knowledge (its client preface)
     * from HTTP/1.1, before either parser reads one, so the HTTP/1.1 framing checks never see HTTP/2 frames.
     */
    private void tellPriorKnowledge(StreamConnection connection, GatewayConfig config) {
        PriorKnowledge.sniff(connection, config.timeouts().idle(), new PriorKnowledge.Protocols() {
            @Override
            public void http1(StreamConnection http1, ByteBuffer firstBytes) {
                serveHttp1(http1, firstBytes);
            }

            @Override
            public void http2(StreamConnection h2) {
                http2.afterPreface(h2);
                if (shared.registry() != null) {
                    countUntilClosed(h2);
                }
            }
        });
    }

    /**
     * Counts {@code connection} in {@link #open} until it closes. Undertow's server connection has just taken the
     * connection's close listener (on a TLS listener, the socket's has none yet), so ours goes in front of it;
     * should the connection have closed before that, it is uncounted at once (whichever of the two sees the close
     * first uncounts it).
     */
    private void countUntilClosed(StreamConnection connection) {
        open.incrementAndGet();
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable uncount = () -> {
            if (counted.compareAndSet(true, false)) {
                open.decrementAndGet();
            }
        };
        ChannelListener<? super StreamConnection> undertows = connection.getCloseListener();
        connection.setCloseListener(closed -> {
            uncount.run();
            if (undertows != null) {
                ChannelListeners.invokeChannelListener(closed, undertows);
            }
        });
        if (!connection.isOpen()) {
            uncount.run();
        }
    }

    /**
     * Serves {@code next} from the next request on; requests already running keep the generation they started
     * with. The listener-level options (header size, idle timeout) and, on a TLS listener, the certificates apply to
     * connections accepted from now on.
     */
    void switchTo(Generation next) {
        connections.setUndertowOptions(options(next.config()));
        if (http2 != null) {
            http2.configure(next.config().limits(), next.config().timeouts());
        }
        if (tls != null) {
            handshakes = handshakes(next);
        }
        gate.switchTo(next);
    }

    Generation generation() {
        return gate.generation();
    }

    ListenAddress address() {
        return address;
    }

    /** The address actually bound: a configured port 0 is the real port here. */
    InetSocketAddress bound() {
        return bound;
    }

    /** Closes the accepting socket; requests that still arrive on open connections get 503 and a close. */
    void stopAccepting() {
        closing = true;
        // Suspended first: an accept already queued on an IO thread then finds nothing to do, rather than a closed
        // channel (which XNIO logs as an error with a stack trace).
        acceptor.suspendAccepts();
        IoUtils.safeClose(acceptor);
        gate.shutdown();
    }

    /** Completes (true) when every request that was in flight at {@link #stopAccepting()} has finished. */
    CompletableFuture<Boolean> drained() {
        return gate.drained();
    }

    /**
     * Closes every connection still open at {@code deadline}, as {@link #closeConnections()} does; the requests it
     * cuts are logged and counted as cut at that deadline, not as clients gone.
     */
    void closeConnectionsAt(DrainCut.Deadline deadline) {
        drainCut.cut(deadline);
        closeConnections();
    }

    /** Closes every connection still open, each on its own IO thread, and removes the listener's gauge. */
    void closeConnections() {
        connections.closeConnections();
        if (tls != null) {
            tls.closeConnections();
        }
        if (http2 != null) {
            http2.closeConnections();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /**
     * Takes each request the guard passes into the drain, which counts it in flight until its exchange completes.
     * Once the listener is closing, the connection closes after the response: the drain's 503, or a refused
     * request's own status.
     */
    private void admitRequest(HttpServerExchange exchange) throws Exception {
        drainCut.carry(exchange);
        if (closing && RefusedRequests.isRefused(exchange)) {
            // Answered by the tree with the refusal's own status, logged and counted, rather than the drain's 503;
            // it reaches no backend, so there is nothing for the drain to wait for. (While open, it goes through
            // the drain like any request, so a stop waits for its log line.)
            exchange.setPersistent(false);
            gate.serve(exchange);
            return;
        }
        if (closing) {
            // Whatever the answer (503 from the drain, or a response to a request that slipped in), the
            // connection ends with it: this address is going away.
            exchange.setPersistent(false);
        }
        gate.handleRequest(exchange);
    }

    private static OptionMap options(GatewayConfig config) {
        return FrontDoor.undertowOptions(config.limits(), config.timeouts());
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
