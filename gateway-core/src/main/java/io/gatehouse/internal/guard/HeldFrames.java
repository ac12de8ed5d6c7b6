package io.gatehouse.internal.guard;

import io.gatehouse.internal.xnio.PrivateAccess;
import io.undertow.server.protocol.framed.AbstractFramedChannel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Deque;

/**
 * Whether a response's unsent frame is one Undertow holds back for a flow-control window (its stream's or its
 * connection's), rather than one queued for the socket. Undertow 2.4.4 keeps the held ones in a queue of their own,
 * private to {@link AbstractFramedChannel}, so this reads that field. The windows alone do not tell: a frame that took
 * the last of a window waits for the socket with the window at 0.
 *
 * <p>Where Undertow is another version without that field, every answer is "not held" ({@code false}): the caller then
 * does what Undertow alone would do, which is said once, at DEBUG ({@link PrivateAccess}).
 */
final class HeldFrames {

    private static final VarHandle HELD = heldFrames();

    private HeldFrames() {
    }

    /**
     * True when {@code frame} waits in {@code channel}'s queue of frames held for a window. Under the channel's lock,
     * which Undertow's writer and the frame reader take too; called by the reader, which holds it already.
     */
    static boolean held(AbstractFramedChannel<?, ?, ?> channel, Object frame) {
        if (HELD == null) {
            return false;
        }
        synchronized (channel) {
            return ((Deque<?>) HELD.get(channel)).contains(frame);
        }
    }

    private static VarHandle heldFrames() {
        return PrivateAccess.find(HeldFrames.class, "Undertow's AbstractFramedChannel.heldFrames",
                "reset HTTP/2 streams waiting for a flow-control window are left to Undertow, which keeps each such "
                        + "request until its connection closes",
                () -> MethodHandles.privateLookupIn(AbstractFramedChannel.class, MethodHandles.lookup())
                        .findVarHandle(AbstractFramedChannel.class, "heldFrames", Deque.class));
    }
}
