package io.gatehouse;

import io.undertow.UndertowMessages;
import io.undertow.connector.ByteBufferPool;
import io.gatehouse.internal.xnio.PerIoThread;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.XnioWorker;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The I/O buffers of the listeners and of the proxy's backend connections: each IO thread keeps the buffers it frees
 * for its next allocations, other threads share one bounded queue.
 *
 * <p>Why not Undertow's {@code DefaultByteBufferPool}: since 2.3 it finds a thread's cache in a synchronized
 * {@code WeakHashMap} keyed by thread, which every allocation and every release enter, from every IO thread, about
 * eight times per proxied request (5 % of the CPU samples under load, with lock contention between IO threads).
 * A cache per IO thread does the same job without a shared lock. It is held by the pool ({@link PerIoThread}), not
 * by the threads as a {@link ThreadLocal} would be: the IO threads may be the application's, which outlive the
 * gateway, and {@link #close()} lets go of every cached buffer at once.
 *
 * <p>Contract, as Undertow's: {@link #allocate()} gives a cleared buffer of {@link #getBufferSize()} bytes, owned until
 * {@link PooledByteBuffer#close()}, which may be called more than once and from any thread (only the first call
 * returns the buffer); {@link PooledByteBuffer#getBuffer()} after close throws. After {@link #close()}, allocating
 * throws {@link IllegalStateException} (Undertow's connections treat that as "closing"), freed buffers are
 * dropped, and the pool holds no buffer any more. Memory kept is bounded: the pool's per-thread count of buffers
 * ({@value #PER_THREAD} unless given) per IO thread of the worker and {@value #SHARED} in the shared queue; anything
 * beyond is left to the garbage collector.
 */
final class ThreadCachedBufferPool implements ByteBufferPool {

    private static final int PER_THREAD = 16;
    private static final int SHARED = 64;

    private final int bufferSize;
    private final int perThread;
    private final boolean direct;
    /** Touched by each IO thread for its own cache only, so {@link ArrayDeque} needs no lock. */
    private final PerIoThread<ArrayDeque<ByteBuffer>> ioThreadCache;
    private final ConcurrentLinkedQueue<ByteBuffer> shared = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sharedCount = new AtomicInteger();
    private final ThreadCachedBufferPool arrayBacked;
    private volatile boolean closed;

    /** Direct buffers of {@code bufferSize} bytes, up to {@value #PER_THREAD} cached per IO thread of {@code worker}. */
    ThreadCachedBufferPool(int bufferSize, XnioWorker worker) {
        this(bufferSize, worker, PER_THREAD);
    }

    /** Direct buffers of {@code bufferSize} bytes, up to {@code perThread} cached per IO thread of {@code worker}. */
    ThreadCachedBufferPool(int bufferSize, XnioWorker worker, int perThread) {
        this(bufferSize, worker, perThread, true);
    }

    private ThreadCachedBufferPool(int bufferSize, XnioWorker worker, int perThread, boolean direct) {
        this.bufferSize = bufferSize;
        this.perThread = perThread;
        this.direct = direct;
        this.ioThreadCache = new PerIoThread<>(worker, ArrayDeque::new);
        this.arrayBacked = direct ? new ThreadCachedBufferPool(bufferSize, worker, PER_THREAD, false) : this;
    }

    @Override
    public PooledByteBuffer allocate() {
        if (closed) {
            throw UndertowMessages.MESSAGES.poolIsClosed();
        }
        ByteBuffer buffer = null;
        ArrayDeque<ByteBuffer> cache = ioThreadCache.get();
        if (cache != null) {
            buffer = cache.pollFirst();
        }
        if (buffer == null) {
            buffer = shared.poll();
            if (buffer != null) {
                sharedCount.decrementAndGet();
            }
        }
        if (buffer == null) {
            buffer = direct ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
        } else {
            buffer.clear();
        }
        return new Pooled(this, buffer);
    }

    private void free(ByteBuffer buffer) {
        if (closed) {
            return;
        }
        ArrayDeque<ByteBuffer> cache = ioThreadCache.get();
        if (cache != null && cache.size() < perThread) {
            cache.addFirst(buffer);
            return;
        }
        if (sharedCount.incrementAndGet() <= SHARED) {
            shared.offer(buffer);
        } else {
            sharedCount.decrementAndGet();
        }
    }

    @Override
    public ByteBufferPool getArrayBackedPool() {
        return arrayBacked;
    }

    @Override
    public void close() {
        closed = true;
        ioThreadCache.release();
        shared.clear();
        if (arrayBacked != this) {
            arrayBacked.close();
        }
    }

    @Override
    public int getBufferSize() {
        return bufferSize;
    }

    @Override
    public boolean isDirect() {
        return direct;
    }

    private static final class Pooled implements PooledByteBuffer {
        private static final AtomicIntegerFieldUpdater<Pooled> OPEN = AtomicIntegerFieldUpdater.newUpdater(Pooled.class, "open");

        private final ThreadCachedBufferPool pool;
        private final ByteBuffer buffer;
        private volatile int open = 1;

        Pooled(ThreadCachedBufferPool pool, ByteBuffer buffer) {
            this.pool = pool;
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer getBuffer() {
            if (open == 0) {
                throw UndertowMessages.MESSAGES.bufferAlreadyFreed();
            }
            return buffer;
        }

        @Override
        public void close() {
            if (OPEN.compareAndSet(this, 1, 0)) {
                pool.free(buffer);
            }
        }

        @Override
        public boolean isOpen() {
            return open == 1;
        }
    }
}
