package io.gatehouse;

import io.gatehouse.testing.OneIoThread;
import io.undertow.connector.PooledByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class ThreadCachedBufferPoolTest {

    private OneIoThread io;
    private ThreadCachedBufferPool pool;

    @BeforeEach
    void start() throws Exception {
        io = new OneIoThread();
        pool = new ThreadCachedBufferPool(1024, io.worker());
    }

    @AfterEach
    void stop() {
        io.close();
    }

    @Test
    void ioThreadGetsBackTheBufferItFreedCleared() throws Exception {
        io.call(() -> {
            PooledByteBuffer first = pool.allocate();
            ByteBuffer bytes = first.getBuffer();
            bytes.put((byte) 1).flip();
            first.close();
            PooledByteBuffer second = pool.allocate();
            assertSame(bytes, second.getBuffer());
            assertEquals(0, second.getBuffer().position());
            assertEquals(1024, second.getBuffer().limit());
            return null;
        });
    }

    @Test
    void ioThreadKeepsAsManyBuffersAsItsPoolWasGivenToCache() throws Exception {
        int perThread = 100;
        int sharedQueue = 64;
        ThreadCachedBufferPool deep = new ThreadCachedBufferPool(1024, io.worker(), perThread);
        io.call(() -> {
            Set<ByteBuffer> first = Collections.newSetFromMap(new IdentityHashMap<>());
            List<PooledByteBuffer> held = new ArrayList<>();
            for (int i = 0; i < perThread + sharedQueue; i++) {
                held.add(deep.allocate());
                first.add(held.get(i).getBuffer());
            }
            held.forEach(PooledByteBuffer::close);
            for (int i = 0; i < perThread + sharedQueue; i++) {
                assertTrue(first.contains(deep.allocate().getBuffer()), "allocation " + i + " got a new buffer");
            }
            return null;
        });
    }

    @Test
    void aDeepCacheFreesTheBuffersThatSatInItUnusedThroughATrimInterval() throws Exception {
        ThreadCachedBufferPool deep = new ThreadCachedBufferPool(1024, io.worker(), 100);
        io.run(() -> {
            allocateThenClose(deep, 60);

            // The interval began when the 17th came back: the 43 returned after it were in use during it.
            deep.trimThisThread();
            assertEquals(43, deep.cachedOnThisThread());
            deep.trimThisThread();
            assertEquals(16, deep.cachedOnThisThread(), "the usual depth stays");
        });
    }

    @Test
    void aDeepCacheEmptiedDuringTheIntervalKeepsItsBuffers() throws Exception {
        ThreadCachedBufferPool deep = new ThreadCachedBufferPool(1024, io.worker(), 100);
        io.run(() -> {
            allocateThenClose(deep, 60);
            allocateThenClose(deep, 60);

            deep.trimThisThread();
            assertEquals(60, deep.cachedOnThisThread());
        });
    }

    @Test
    void theMemoryOfTrimmedBuffersIsFreedAtOnce() throws Exception {
        int mebibyte = 1024 * 1024;
        ThreadCachedBufferPool deep = new ThreadCachedBufferPool(mebibyte, io.worker(), 100);
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        long freed = io.call(() -> {
            allocateThenClose(deep, 16 + 32);
            long before = direct.getMemoryUsed();
            deep.trimThisThread();
            deep.trimThisThread();
            return before - direct.getMemoryUsed();
        });

        // 32 buffers of 1 MiB; other tests' direct buffers may come and go meanwhile, by far less than that.
        assertTrue(freed > 24L * mebibyte, "freed " + freed + " bytes");
    }

    @Test
    void aDeepCacheLeftUnusedShrinksToTheUsualDepthByItself() throws Exception {
        ThreadCachedBufferPool deep = new ThreadCachedBufferPool(1024, io.worker(), 100);
        io.run(() -> allocateThenClose(deep, 60));
        while (io.call(deep::cachedOnThisThread) > 16) {
            Thread.sleep(50);
        }
        assertEquals(16, io.call(deep::cachedOnThisThread));
    }

    @Test
    void aBufferFreedIntoADeepCacheWhileTheWorkerStopsIsTakenQuietly() throws Exception {
        // Gateway.stop shuts the worker down before it releases the pools: connections closing meanwhile free their
        // buffers into a cache whose thread takes no new timer.
        ThreadCachedBufferPool deep = new ThreadCachedBufferPool(1024, io.worker(), 256);
        Throwable thrown = io.call(() -> {
            List<PooledByteBuffer> held = allocate(deep, 17);
            io.worker().shutdownNow();
            try {
                held.forEach(PooledByteBuffer::close);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        assertNull(thrown, () -> "closing a buffer threw " + thrown);
    }

    @Test
    void bufferClosedTwiceIsHandedOutOnce() throws Exception {
        io.call(() -> {
            PooledByteBuffer pooled = pool.allocate();
            pooled.close();
            pooled.close();
            PooledByteBuffer a = pool.allocate();
            PooledByteBuffer b = pool.allocate();
            assertNotSame(a.getBuffer(), b.getBuffer());
            return null;
        });
    }

    @Test
    void closedBufferCannotBeUsed() {
        PooledByteBuffer pooled = pool.allocate();
        pooled.close();

        assertFalse(pooled.isOpen());
        assertThrows(IllegalStateException.class, pooled::getBuffer);
    }

    @Test
    void bufferFreedOnAnotherThreadIsReusedThroughTheSharedQueue() throws Exception {
        PooledByteBuffer pooled = pool.allocate();
        ByteBuffer bytes = pooled.getBuffer();
        pooled.close();

        assertSame(bytes, io.call(() -> pool.allocate().getBuffer()));
    }

    @Test
    void ioThreadOfAnotherWorkerKeepsNoBufferOfThePool() throws Exception {
        try (OneIoThread other = new OneIoThread()) {
            ByteBuffer freedThere = other.call(() -> {
                PooledByteBuffer pooled = pool.allocate();
                ByteBuffer bytes = pooled.getBuffer();
                pooled.close();
                return bytes;
            });

            assertSame(freedThere, pool.allocate().getBuffer(), "freed into the shared queue, not kept by that thread");
        }
    }

    @Test
    void closedPoolRefusesToAllocate() {
        pool.close();

        assertThrows(IllegalStateException.class, pool::allocate);
        assertThrows(IllegalStateException.class, pool.getArrayBackedPool()::allocate);
    }

    @Test
    void buffersAreDirectAndTheArrayBackedPoolsAreNot() {
        assertTrue(pool.allocate().getBuffer().isDirect());
        assertTrue(pool.getArrayBackedPool().allocate().getBuffer().hasArray());
        assertSame(pool.getArrayBackedPool(), pool.getArrayBackedPool().getArrayBackedPool());
    }

    /** {@code count} buffers from {@code pool}, all held at once. */
    private static List<PooledByteBuffer> allocate(ThreadCachedBufferPool pool, int count) {
        List<PooledByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(pool.allocate());
        }
        return held;
    }

    /** Takes {@code count} buffers from {@code pool} at once, then gives them all back: a burst, on the caller's thread. */
    private static void allocateThenClose(ThreadCachedBufferPool pool, int count) {
        allocate(pool, count).forEach(PooledByteBuffer::close);
    }
}
