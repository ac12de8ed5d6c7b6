package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.config.Timeouts;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http2.Http2ReceiveListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gatehouse's HTTP/2 open listener, in place of Undertow's {@code Http2OpenListener}: each connection's channel is a
 * {@link CheckedHttp2Channel} with its own {@link Http2Guard}, and serves the listener's guarded root (the same
 * {@link FrontDoor#guard} as its HTTP/1.1 connections). Takes connections whose client preface is still to come
 * (after ALPN chose {@code h2}: {@link #handleEvent(StreamConnection, PooledByteBuffer)}) and connections whose
 * preface was read (h2c with prior knowledge, {@link PriorKnowledge}: {@link #afterPreface}).
 *
 * <p>Undertow's options come from {@link #options(Limits, Timeouts)}; the limits and options of a connection are
 * those current when it opened. Safe to use from every IO thread.
 */
public final class Http2Door implements DelegateOpenListener {

    private final ByteBufferPool buffers;
    private final int bufferSize;
    private final RepeatedEvents refusals;
    private final Set<Http2Channel> open = ConcurrentHashMap.newKeySet();
    private volatile HttpHandler root;
    /** What connections opened from now on get, replaced whole by a reload. */
    private volatile Settings settings;

    private record Settings(Limits limits, Timeouts timeouts, OptionMap options) {
    }

    /**
     * @param buffers  the listener's buffers
     * @param root     the listener's guarded root ({@link FrontDoor#guard})
     * @param refusals the listener owner's {@link FrontDoor#refusalLog refusal log}
     * @param limits   the size limits of the connections opened from now on
     * @param timeouts their timeouts
     */
    public Http2Door(ByteBufferPool buffers, HttpHandler root, RepeatedEvents refusals, Limits limits, Timeouts timeouts) {
        this.buffers = buffers;
        try (PooledByteBuffer buffer = buffers.allocate()) {
            this.bufferSize = buffer.getBuffer().remaining();
        }
        this.root = root;
        this.refusals = refusals;
        configure(limits, timeouts);
    }

    /**
     * Undertow's HTTP/2 options for these limits and timeouts: those of HTTP/1.1 ({@link FrontDoor#undertowOptions}),
     * with {@code SETTINGS_MAX_CONCURRENT_STREAMS} {@code limits.http2.maxConcurrentStreams}, no server push, a header list of
     * at most {@code limits.maxHeaderBytes} plus {@code limits.maxUriBytes} (the {@code :path}), counted as
     * RFC 9113 counts it, {@code limits.maxHeaders} fields besides the four pseudo-headers, a request header block
     * complete within {@code timeouts.requestHeader}. The body limit is the guard's ({@link Http2Body}; Undertow's
     * {@code MAX_ENTITY_SIZE} off): Undertow would close a stream over it, which reads as the end of the body.
     *
     * @param limits   the listener's size limits
     * @param timeouts the listener's timeouts
     * @return the options of HTTP/2 connections
     */
    public static OptionMap options(Limits limits, Timeouts timeouts) {
        return OptionMap.builder()
                .addAll(FrontDoor.undertowOptions(limits, timeouts))
                .set(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .set(UndertowOptions.ENABLE_HTTP2, true)
                .set(UndertowOptions.HTTP2_SETTINGS_ENABLE_PUSH, false)
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits.http2().maxConcurrentStreams())
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
                        (int) Math.min(Integer.MAX_VALUE, (long) limits.maxHeaderBytes() + limits.maxUriBytes()))
                .set(UndertowOptions.MAX_HEADERS, limits.maxHeaders() + 4)
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT,
                        (int) Math.min(Integer.MAX_VALUE, timeouts.requestHeader().toMillis()))
                .getMap();
    }

    /**
     * The limits and timeouts of connections opened from now on (a reload); open ones keep theirs.
     *
     * @param limits   the listener's new size limits
     * @param timeouts its new timeouts
     */
    public void configure(Limits limits, Timeouts timeouts) {
        this.settings = new Settings(limits, timeouts, options(limits, timeouts));
    }

    /**
     * Serves a connection whose client preface was read off it already (h2c with prior knowledge).
     *
     * @param connection the connection, its next byte the client's first frame
     */
    public void afterPreface(StreamConnection connection) {
        open(connection, null, true);
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        open(connection, null, false);
    }

    @Override
    public void handleEvent(StreamConnection connection, PooledByteBuffer read) {
        open(connection, read, false);
    }

    private void open(StreamConnection connection, PooledByteBuffer read, boolean prefaceRead) {
        Settings current = settings;
        Http2Guard guard = new Http2Guard(current.limits(), current.timeouts().idle(), refusals, connection.getPeerAddress());
        FrameFloods floods = new FrameFloods(connection.getSourceChannel().getConduit(), !prefaceRead, guard);
        connection.getSourceChannel().setConduit(floods);
        if (read != null) {
            try {
                floods.passed(read.getBuffer());
            } catch (IOException e) {
                read.close();
                IoUtils.safeClose(connection);
                return;
            }
        }
        Http2Channel channel = new CheckedHttp2Channel(connection, null, buffers, read, prefaceRead, current.options(),
                guard);
        open.add(channel);
        channel.addCloseTask(closed -> open.remove(closed));
        channel.getReceiveSetter().set(new Http2ReceiveListener(root, current.options(), bufferSize, null));
        channel.resumeReceives();
    }

    @Override
    public void closeConnections() {
        open.forEach(IoUtils::safeClose);
    }

    @Override
    public HttpHandler getRootHandler() {
        return root;
    }

    @Override
    public void setRootHandler(HttpHandler rootHandler) {
        this.root = rootHandler;
    }

    @Override
    public OptionMap getUndertowOptions() {
        return settings.options();
    }

    /** Replaces the options of connections opened from now on; {@link #configure} is the usual way. */
    @Override
    public void setUndertowOptions(OptionMap undertowOptions) {
        Settings current = settings;
        settings = new Settings(current.limits(), current.timeouts(), undertowOptions);
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return buffers;
    }

    /** None: Undertow's connector statistics stay off, as on the HTTP/1.1 side. */
    @Override
    public ConnectorStatistics getConnectorStatistics() {
        return null;
    }
}
