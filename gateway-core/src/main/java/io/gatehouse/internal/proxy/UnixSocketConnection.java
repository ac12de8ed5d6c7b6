package io.gatehouse.internal.proxy;

import org.xnio.FutureResult;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;
import org.xnio.conduits.TerminateHandler;
import org.xnio.conduits.WriteReadyHandler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection over a Unix-domain socket, as the XNIO {@link StreamConnection} the codecs and {@link BackendPool}
 * work with: its conduit reads and writes the JDK's non-blocking {@link SocketChannel}, and takes its readiness
 * from the {@link UnixSocketConnector}'s selector thread. XNIO's own selectors only take TCP channels.
 *
 * <p>Threading: the connection belongs to the XNIO IO thread it was opened for. Every conduit method (reads, writes,
 * resuming and suspending) must be called on that thread, and the read and write handlers run on it only: the
 * selector thread never touches the channel's data nor the handlers, it hands the ready operations to
 * {@link #ready()}, queued on the IO thread. {@link #close()} may be called from any thread.
 *
 * <p>Readiness works as XNIO's NIO conduit does, level-triggered: while reads (or writes) are resumed, the handler is
 * called for as long as the socket is readable (writable). To spare the selector a system call per resume and
 * suspend, the selector clears the interest set of a key it reports, and the IO thread sets it again after the
 * handlers ran, only when it wants an operation the selector no longer watches; a suspended operation that is still
 * watched costs, at worst, one report that calls nothing.
 */
final class UnixSocketConnection extends StreamConnection {

    private final SocketChannel channel;
    private final UnixSocketConnector connector;
    private final SelectionKey key;
    /** Operations the selector reported, or a wakeup asked for, not yet handled on the IO thread. */
    private final AtomicInteger readyOps = new AtomicInteger();
    private final Runnable handleReady = this::ready;
    /** The connect still to finish, when it did not complete at once; null after. Touched on the IO thread only. */
    private FutureResult<StreamConnection> connecting;
    // The rest is touched on the IO thread only.
    private ReadReadyHandler readHandler;
    private WriteReadyHandler writeHandler;
    private boolean readResumed;
    private boolean writeResumed;
    /** The interest set last given to the key; 0 once the selector cleared it to report the key. */
    private int watched;

    /**
     * Registers {@code channel}, connected or connecting, with the connector's selector, watching nothing yet.
     *
     * @throws ClosedChannelException when the channel or the selector is closed
     */
    UnixSocketConnection(XnioIoThread thread, SocketChannel channel, UnixSocketConnector connector)
            throws ClosedChannelException {
        super(thread);
        this.channel = channel;
        this.connector = connector;
        this.key = connector.register(channel, this);
        Conduit conduit = new Conduit();
        setSourceConduit(conduit);
        setSinkConduit(conduit);
    }

    /** Completes {@code result} when the pending connect finishes, or fails. */
    void finishConnectInto(FutureResult<StreamConnection> result) {
        connecting = result;
        watch(SelectionKey.OP_CONNECT);
    }

    /**
     * Called on the selector thread for a key it reported (whose interest set it has cleared), or by a wakeup: queues
     * {@link #ready()} on the IO thread unless it is queued already.
     *
     * @return false when the IO thread takes no more tasks (its worker stopped): the caller closes the connection
     */
    boolean reported(int ops) {
        if (readyOps.getAndAccumulate(ops, (a, b) -> a | b) != 0) {
            return true;
        }
        try {
            thread.execute(handleReady);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Whether the worker of the IO thread stopped, so that nothing else will ever close this connection. */
    boolean orphaned() {
        return getWorker().isTerminated();
    }

    /** On the IO thread: calls the handlers of the reported operations that are resumed, then watches again. */
    private void ready() {
        int ops = readyOps.getAndSet(0);
        watched = 0;
        try {
            if ((ops & SelectionKey.OP_CONNECT) != 0 && connecting != null) {
                finishConnect();
            }
            if ((ops & SelectionKey.OP_READ) != 0 && readResumed && readHandler != null && !isReadShutdown()) {
                readHandler.readReady();
            }
            if ((ops & SelectionKey.OP_WRITE) != 0 && writeResumed && writeHandler != null && !isWriteShutdown()) {
                writeHandler.writeReady();
            }
        } finally {
            watch(connecting != null ? SelectionKey.OP_CONNECT : 0);
        }
    }

    private void finishConnect() {
        FutureResult<StreamConnection> result = connecting;
        try {
            if (!channel.finishConnect()) {
                return;
            }
            connecting = null;
            result.setResult(this);
        } catch (IOException e) {
            connecting = null;
            IoUtils.safeClose(this);
            result.setException(e);
        }
    }

    /** Makes the selector watch the resumed operations and {@code extra}, when it does not watch them all already. */
    private void watch(int extra) {
        int wanted = extra | (readResumed ? SelectionKey.OP_READ : 0) | (writeResumed ? SelectionKey.OP_WRITE : 0);
        if ((wanted & ~watched) == 0 || !key.isValid()) {
            return;
        }
        watched = wanted;
        try {
            key.interestOps(wanted);
        } catch (CancelledKeyException closedMeanwhile) {
            return;
        }
        connector.wakeup();
    }

    private void wakeup(int op) {
        if (!reported(op)) {
            IoUtils.safeClose(this);
        }
    }

    @Override
    protected void closeAction() throws IOException {
        key.cancel();
        try {
            channel.close();
        } finally {
            // Lets the selector deregister the key, which releases the socket, now rather than at its next report.
            connector.wakeup();
        }
    }

    @Override
    public SocketAddress getPeerAddress() {
        try {
            return channel.getRemoteAddress();
        } catch (IOException closed) {
            return null;
        }
    }

    @Override
    public SocketAddress getLocalAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException closed) {
            return null;
        }
    }

    /** Both directions of the socket, as XNIO's NIO conduit has them. */
    private final class Conduit implements StreamSourceConduit, StreamSinkConduit {

        // --- Reads ---

        @Override
        public int read(ByteBuffer dst) throws IOException {
            try {
                return (int) endsReadsAt(channel.read(dst));
            } catch (ClosedChannelException e) {
                return -1;
            }
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            try {
                return endsReadsAt(channel.read(dsts, offset, length));
            } catch (ClosedChannelException e) {
                return -1;
            }
        }

        /** {@code read}, after shutting reads down when it is the end of the stream. */
        private long endsReadsAt(long read) throws IOException {
            if (read < 0) {
                terminateReads();
            }
            return read;
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            return target.transferFrom(channel, position, count);
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            return Conduits.transfer(this, count, throughBuffer, target);
        }

        @Override
        public void terminateReads() throws IOException {
            if (readClosed()) {
                readResumed = false;
                shutdown(false, readHandler);
            }
        }

        @Override
        public boolean isReadShutdown() {
            return UnixSocketConnection.this.isReadShutdown();
        }

        @Override
        public void resumeReads() {
            readResumed = true;
            watch(0);
        }

        @Override
        public void suspendReads() {
            readResumed = false;
        }

        @Override
        public void wakeupReads() {
            readResumed = true;
            wakeup(SelectionKey.OP_READ);
        }

        @Override
        public boolean isReadResumed() {
            return readResumed;
        }

        @Override
        public void awaitReadable() throws IOException {
            await(SelectionKey.OP_READ, 0);
        }

        @Override
        public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
            await(SelectionKey.OP_READ, Math.max(1, timeUnit.toMillis(time)));
        }

        @Override
        public XnioIoThread getReadThread() {
            return thread;
        }

        @Override
        public void setReadReadyHandler(ReadReadyHandler handler) {
            readHandler = handler;
        }

        // --- Writes ---

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return channel.write(srcs, offset, length);
        }

        @Override
        public int writeFinal(ByteBuffer src) throws IOException {
            return Conduits.writeFinalBasic(this, src);
        }

        @Override
        public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return Conduits.writeFinalBasic(this, srcs, offset, length);
        }

        @Override
        public long transferFrom(FileChannel src, long position, long count) throws IOException {
            return src.transferTo(position, count, channel);
        }

        @Override
        public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
            return Conduits.transfer(source, count, throughBuffer, this);
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public void terminateWrites() throws IOException {
            if (writeClosed()) {
                writeResumed = false;
                shutdown(true, writeHandler);
            }
        }

        @Override
        public void truncateWrites() throws IOException {
            terminateWrites();
        }

        @Override
        public boolean isWriteShutdown() {
            return UnixSocketConnection.this.isWriteShutdown();
        }

        @Override
        public void resumeWrites() {
            writeResumed = true;
            watch(0);
        }

        @Override
        public void suspendWrites() {
            writeResumed = false;
        }

        @Override
        public void wakeupWrites() {
            writeResumed = true;
            wakeup(SelectionKey.OP_WRITE);
        }

        @Override
        public boolean isWriteResumed() {
            return writeResumed;
        }

        @Override
        public void awaitWritable() throws IOException {
            await(SelectionKey.OP_WRITE, 0);
        }

        @Override
        public void awaitWritable(long time, TimeUnit timeUnit) throws IOException {
            await(SelectionKey.OP_WRITE, Math.max(1, timeUnit.toMillis(time)));
        }

        @Override
        public XnioIoThread getWriteThread() {
            return thread;
        }

        @Override
        public void setWriteReadyHandler(WriteReadyHandler handler) {
            writeHandler = handler;
        }

        @Override
        public XnioWorker getWorker() {
            return UnixSocketConnection.this.getWorker();
        }

        /** Shuts one direction of the socket down, as XNIO's NIO conduit does, and tells its handler. */
        private void shutdown(boolean output, TerminateHandler handler) throws IOException {
            try {
                if (channel.isOpen() && output) {
                    channel.shutdownOutput();
                } else if (channel.isOpen()) {
                    channel.shutdownInput();
                }
            } catch (ClosedChannelException ignored) {
                // Closed by the other direction's end meanwhile.
            } finally {
                if (handler != null) {
                    handler.terminated();
                }
            }
        }

        /**
         * Blocks a worker thread (never an IO thread) until {@code op} is ready or {@code millis} passed (0: no
         * limit), on a selector of its own: a channel may be registered with several.
         */
        private void await(int op, long millis) throws IOException {
            Xnio.checkBlockingAllowed();
            try (Selector own = Selector.open()) {
                channel.register(own, op);
                own.select(millis);
            }
        }
    }
}
