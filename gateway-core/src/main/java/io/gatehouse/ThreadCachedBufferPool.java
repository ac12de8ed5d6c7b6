package io.gatehouse;

import io.undertow.UndertowMessages;
import io.undertow.connector.ByteBufferPool;
import io.gatehouse.internal.xnio.PerIoThread;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>A cache deeper than {@value #PER_THREAD} (HTTP/2's, which a burst of responses fills) gives back what it did not
 * need: once a second, the buffers above {@value #PER_THREAD} that sat in it unused for the whole second are freed at
 * once ({@link DirectMemory#free}), as Undertow's own pool frees what it does not keep; so after a burst the memory
 * follows the load within two seconds instead of staying at the burst's peak. A buffer in the cache was closed by its
 * user at least that long before, and a closed buffer must not be touched (the same contract lets the pool hand it to
 * the next user).
 */
final class ThreadCachedBufferPool implements ByteBufferPool {

    private static final int PER_THREAD = 16;
    private static final int SHARED = 64;
    /** How long a buffer above {@value #PER_THREAD} may sit unused in a deep cache before it is freed. */
    private static final long TRIM_INTERVAL_MILLIS = 1000;

    private final int bufferSize;
    private final int perThread;
    private final boolean direct;
    private final PerIoThread<ThreadCache> ioThreadCache;
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
        this.ioThreadCache = new PerIoThread<>(worker, ThreadCache::new);
        this.arrayBacked = direct ? new ThreadCachedBufferPool(bufferSize, worker, PER_THREAD, false) : this;
    }

    @Override
    public PooledByteBuffer allocate() {
        if (closed) {
            throw UndertowMessages.MESSAGES.poolIsClosed();
        }
        ByteBuffer buffer = null;
        ThreadCache cache = ioThreadCache.get();
        if (cache != null) {
            buffer = cache.take();
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
        ThreadCache cache = ioThreadCache.get();
        if (cache != null && cache.buffers.size() < perThread) {
            cache.buffers.addFirst(buffer);
            if (cache.buffers.size() > PER_THREAD && !cache.trimScheduled) {
                cache.scheduleTrim();
            }
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

    /**
     * Frees the buffers of the calling IO thread's cache that went unused since the last trim, down to
     * {@value #PER_THREAD}; the timer calls it every {@value #TRIM_INTERVAL_MILLIS} ms while the cache holds more.
     * Package-private for the tests, which call it in place of the timer.
     */
    void trimThisThread() {
        ThreadCache cache = ioThreadCache.get();
        if (cache != null) {
            cache.trim();
        }
    }

    /** How many buffers the calling IO thread's cache holds; for the tests. */
    int cachedOnThisThread() {
        ThreadCache cache = ioThreadCache.get();
        return cache == null ? 0 : cache.buffers.size();
    }

    /** One IO thread's buffers, touched by that thread alone, so {@link ArrayDeque} needs no lock. */
    private final class ThreadCache {
        /** Last freed first out: the buffers at the tail are the ones left longest unused. */
        final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
        /** The fewest buffers the cache held since the last trim: that many sat in it unused all along. */
        int fewestSinceTrim;
        boolean trimScheduled;

        ByteBuffer take() {
            ByteBuffer buffer = buffers.pollFirst();
            if (buffers.size() < fewestSinceTrim) {
                fewestSinceTrim = buffers.size();
            }
            return buffer;
        }

        void scheduleTrim() {
            trimScheduled = true;
            fewestSinceTrim = buffers.size();
            XnioIoThread thread = (XnioIoThread) Thread.currentThread();
            try {
                thread.executeAfter(ThreadCachedBufferPool.this::trimThisThread, TRIM_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The worker is shutting down (a gateway's stop, or the application's worker stopped first) while
                // connections close and free their buffers: no more trims on this thread, whose cache goes with the
                // pool. trimScheduled stays set, so later frees do not ask again.
            }
        }

        void trim() {
            trimScheduled = false;
            int unused = Math.min(fewestSinceTrim, buffers.size() - PER_THREAD);
            for (int i = 0; i < unused; i++) {
                DirectMemory.free(buffers.pollLast());
            }
            if (buffers.size() > PER_THREAD && !closed) {
                scheduleTrim();
            }
        }
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
