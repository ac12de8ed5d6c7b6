package io.gatehouse.internal.guard;

import io.undertow.protocols.http2.Http2Channel;
import io.undertow.protocols.http2.Http2StreamSinkChannel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Whether a response's unsent frame waits for a flow-control window (its stream's or its connection's) rather than
 * for the socket. Undertow 2.4.4 keeps both kinds queued alike and exposes neither window, so this reads its two
 * private fields; Undertow holds a frame back only when one of them is spent (it sends what a window allows). Read on
 * the connection's IO thread, where the windows change.
 *
 * <p>Where Undertow is another version without those fields, every answer is "unknown" ({@code false}): the caller
 * then does what Undertow alone would do.
 */
final class FlowControlWindows {

    private static final VarHandle STREAM_WINDOW = field(Http2StreamSinkChannel.class, "flowControlWindow", int.class);
    private static final VarHandle CONNECTION_WINDOW = field(Http2Channel.class, "sendWindowSize", long.class);

    private FlowControlWindows() {
    }

    /**
     * True when {@code response}'s stream window or {@code connection}'s window is spent: a frame of it still queued
     * waits for a WINDOW_UPDATE, not for the socket. False when both have room, or when they cannot be read.
     */
    static boolean spent(Http2StreamSinkChannel response, Http2Channel connection) {
        if (STREAM_WINDOW == null || CONNECTION_WINDOW == null) {
            return false;
        }
        return (int) STREAM_WINDOW.getVolatile(response) <= 0 || (long) CONNECTION_WINDOW.getVolatile(connection) <= 0;
    }

    private static VarHandle field(Class<?> owner, String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
