package io.gatehouse.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.config.Timeouts;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * An HTTP/1.1 listener whose connections are validated before Undertow parses them. Undertow's builder offers no
 * hook between accepting a connection and its HTTP parser, so the listener is assembled here from the same parts
 * the builder uses: an XNIO accepting channel whose open listener first puts a {@link FramingConduit} at the bottom
 * of the connection's read side, then hands the connection to Undertow's {@link HttpOpenListener}, whose root
 * handler is wrapped in a {@link GuardHandler}.
 *
 * <p>Undertow options set here, so that Undertow's own limits never fire before Gatehouse's clearer ones:
 * {@code MAX_HEADER_SIZE} above what the conduit lets through, {@code MAX_ENTITY_SIZE} at {@code limits.maxBody}
 * (the conduit refuses the first byte beyond it), {@code NO_REQUEST_TIMEOUT} at {@code timeouts.idle}. Undertow's
 * {@code IDLE_TIMEOUT} and the socket's {@code READ_TIMEOUT} are left unset: they would wrap the conduit, and a read
 * timeout would also cut long downloads.
 */
public final class FrontDoor implements ChannelListener<StreamConnection> {

    private final HttpOpenListener http;
    private final Limits limits;
    private final Timeouts timeouts;

    private FrontDoor(HttpOpenListener http, Limits limits, Timeouts timeouts) {
        this.http = http;
        this.limits = limits;
        this.timeouts = timeouts;
    }

    /** A bound listener: its accepting channel, and its connection counts when statistics were asked for. */
    public record Bound(AcceptingChannel<StreamConnection> channel, ConnectorStatistics statistics) {
    }

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param socketOptions XNIO options for the listening socket, added to Undertow's usual ones
     * @param statistics    whether Undertow counts connections ({@link Bound#statistics()} is null otherwise)
     * @throws IOException when the address cannot be bound
     */
    public static Bound open(XnioWorker worker, ByteBufferPool buffers, InetSocketAddress address, HttpHandler root,
                             Limits limits, Timeouts timeouts, OptionMap socketOptions, boolean statistics) throws IOException {
        OptionMap undertowOptions = OptionMap.builder()
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .set(UndertowOptions.MAX_HEADER_SIZE, (int) Math.min(Integer.MAX_VALUE,
                        (long) limits.maxHeaderBytes() + limits.maxUriBytes() + 2048))
                .set(UndertowOptions.MAX_ENTITY_SIZE, limits.maxBody())
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, timeouts.idle().toMillis()))
                .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .set(UndertowOptions.ENABLE_STATISTICS, statistics)
                .getMap();
        HttpOpenListener http = new HttpOpenListener(buffers, undertowOptions);
        http.setRootHandler(new GuardHandler(root));
        OptionMap options = OptionMap.builder()
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                .addAll(socketOptions)
                .getMap();
        AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(address,
                ChannelListeners.openListenerAdapter(new FrontDoor(http, limits, timeouts)), options);
        channel.resumeAccepts();
        return new Bound(channel, statistics ? http.getConnectorStatistics() : null);
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        connection.getSourceChannel().setConduit(
                new FramingConduit(connection, limits, timeouts.requestHeader(), timeouts.idle()));
        http.handleEvent(connection);
    }
}
