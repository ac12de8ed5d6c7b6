package io.gatehouse;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import sun.misc.Unsafe;

/**
 * Frees a direct buffer's native memory at once, as Undertow's {@code DirectByteBufferDeallocator} does for the
 * buffers its pool does not keep, instead of when the collector next finds the buffer unreachable: for a buffer that
 * has lived long enough to be in the old generation, that is the next full collection, which may be minutes away
 * while the memory stays resident.
 *
 * <p>Only for a buffer nobody holds any more: touching it afterwards reads or writes freed memory. Where this JDK does
 * not allow it ({@code sun.misc.Unsafe.invokeCleaner} not reachable), the buffer is left to the collector.
 */
final class DirectMemory {

    private static final Unsafe UNSAFE = unsafe();

    private DirectMemory() {
    }

    /** Frees {@code buffer}, a direct buffer from {@link ByteBuffer#allocateDirect}; anything else is left alone. */
    static void free(ByteBuffer buffer) {
        if (UNSAFE != null && buffer != null && buffer.isDirect()) {
            UNSAFE.invokeCleaner(buffer);
        }
    }

    private static Unsafe unsafe() {
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
