package io.gatehouse;

import io.gatehouse.internal.xnio.PrivateAccess;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer's native memory at once, as Undertow's {@code DirectByteBufferDeallocator} does for the
 * buffers its pool does not keep, instead of when the collector next finds the buffer unreachable: for a buffer that
 * has lived long enough to be in the old generation, that is the next full collection, which may be minutes away
 * while the memory stays resident.
 *
 * <p>Only for a buffer nobody holds any more: touching it afterwards reads or writes freed memory. Where this JDK does
 * not allow it ({@code sun.misc.Unsafe.invokeCleaner} not reachable), the buffer is left to the collector, which is
 * said once, at DEBUG ({@link PrivateAccess}). Reached by
 * reflection: naming {@code sun.misc.Unsafe} in the source is a warning javac and javadoc cannot be told to drop.
 */
final class DirectMemory {

    private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

    private DirectMemory() {
    }

    /** Frees {@code buffer}, a direct buffer from {@link ByteBuffer#allocateDirect}; anything else is left alone. */
    static void free(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || buffer == null || !buffer.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (RuntimeException e) {
            // A slice or a duplicate (never one of the pool's): the collector frees the memory with its owner.
        } catch (Throwable e) {
            throw new IllegalStateException("freeing a direct buffer failed", e);
        }
    }

    /** {@code theUnsafe.invokeCleaner(ByteBuffer)}, bound to the instance; null where the JDK does not let us. */
    private static MethodHandle invokeCleaner() {
        return PrivateAccess.find(DirectMemory.class, "the JDK's sun.misc.Unsafe.invokeCleaner",
                "direct buffers the pool gives up are freed by the collector, not at once", () -> {
                    Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                    Field field = unsafeClass.getDeclaredField("theUnsafe");
                    field.setAccessible(true);
                    Object unsafe = field.get(null);
                    return MethodHandles.lookup()
                            .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                            .bindTo(unsafe);
                });
    }
}
