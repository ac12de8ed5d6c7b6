package io.gatehouse.internal.proxy;

import org.xnio.FutureResult;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;

/**
 * Connections to servers on Unix-domain sockets ({@code unix:/run/php/php8.2-fpm.sock}) for {@link BackendPool}s,
 * which XNIO cannot open: each is a {@link UnixSocketConnection}, an XNIO {@link StreamConnection} on the IO thread
 * that asked for it, so the codecs, the pools, balancing, health, timeouts and metrics are those of TCP backends.
 *
 * <p>One daemon thread, {@code gatehouse-unix}, runs a selector for every connection the connector opened, and does
 * nothing else: it hands what is ready to the connection's IO thread (see {@link UnixSocketConnection} for the
 * threading contract). A connect is non-blocking and, on Linux, done at once: a missing socket file or a server not
 * listening fails it then (a 502, like a refused TCP port); a pending connect is finished through the selector, and
 * the pool's connect timeout cancels it.
 *
 * <p>Thread-safe. {@link #close()} refuses new connections; the thread ends once the connections still open (serving
 * requests in flight) are closed, or their XNIO worker has stopped.
 */
final class UnixSocketConnector implements AutoCloseable {

    /** How often a closed connector looks for connections whose worker stopped, which nobody else will close. */
    private static final long ORPHAN_CHECK_MILLIS = 1_000;

    private final Selector selector;
    private volatile boolean closed;

    /**
     * Starts the selector thread.
     *
     * @throws UncheckedIOException when no selector can be opened (out of file descriptors)
     */
    UnixSocketConnector() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("no selector for Unix sockets: " + e.getMessage(), e);
        }
        Thread thread = new Thread(this::run, "gatehouse-unix");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * How a pool connects to {@code server}.
     *
     * @param server {@code unix:} and the socket's path
     */
    BackendPool.Connector to(URI server) {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(server.getPath());
        return ioThread -> connect(ioThread, address);
    }

    /**
     * Connects to {@code address} for {@code ioThread}. Call it on that thread: the result is settled there (at once,
     * unless the connect is pending), and its notifiers run there.
     */
    private IoFuture<StreamConnection> connect(XnioIoThread ioThread, UnixDomainSocketAddress address) {
        FutureResult<StreamConnection> result = new FutureResult<>();
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.configureBlocking(false);
            if (closed) {
                throw new ClosedSelectorException();
            }
            boolean connected = channel.connect(address);
            UnixSocketConnection connection = new UnixSocketConnection(ioThread, channel, this);
            if (connected) {
                result.setResult(connection);
            } else {
                connection.finishConnectInto(result);
                result.addCancelHandler(() -> {
                    IoUtils.safeClose(connection);
                    result.setCancelled();
                    return null;
                });
            }
        } catch (IOException | ClosedSelectorException e) {
            IoUtils.safeClose(channel);
            result.setException(e instanceof IOException io ? io : new IOException("proxy is shutting down"));
        }
        return result.getIoFuture();
    }

    /** Registers {@code channel} for {@code connection}, watching nothing yet. */
    SelectionKey register(SocketChannel channel, UnixSocketConnection connection) throws ClosedChannelException {
        return channel.register(selector, 0, connection);
    }

    /** Makes the selector take new interest sets and cancelled keys into account now. */
    void wakeup() {
        selector.wakeup();
    }

    /** Refuses new connections; the thread ends with the last open one. Does not wait. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }

    private void run() {
        try {
            while (!closed || !selector.keys().isEmpty()) {
                selector.select(UnixSocketConnector::report, closed ? ORPHAN_CHECK_MILLIS : 0);
                if (closed) {
                    closeOrphans();
                }
            }
        } catch (IOException | RuntimeException e) {
            ProxyLog.LOG.log(Level.ERROR, "Unix socket selector stopped; closing its connections: " + e);
            for (SelectionKey key : selector.keys()) {
                closeOnItsThread((UnixSocketConnection) key.attachment());
            }
        } finally {
            IoUtils.safeClose(selector);
        }
    }

    /** Stops watching the key until its IO thread has handled what is ready (which watches again). */
    private static void report(SelectionKey key) {
        UnixSocketConnection connection = (UnixSocketConnection) key.attachment();
        int ops;
        try {
            ops = key.readyOps();
            key.interestOps(0);
        } catch (CancelledKeyException closing) {
            return;
        }
        if (!connection.reported(ops)) {
            IoUtils.safeClose(connection);
        }
    }

    private void closeOrphans() {
        for (SelectionKey key : selector.keys()) {
            UnixSocketConnection connection = (UnixSocketConnection) key.attachment();
            if (connection.orphaned()) {
                IoUtils.safeClose(connection);
            }
        }
    }

    private static void closeOnItsThread(UnixSocketConnection connection) {
        try {
            connection.getIoThread().execute(() -> IoUtils.safeClose(connection));
        } catch (RejectedExecutionException stopped) {
            IoUtils.safeClose(connection);
        }
    }
}
