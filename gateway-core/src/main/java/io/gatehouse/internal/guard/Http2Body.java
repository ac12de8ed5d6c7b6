package io.gatehouse.internal.guard;

import io.undertow.server.HttpServerExchange;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The body of one HTTP/2 request as its handler reads it, held to what an HTTP/1.1 backend may be sent:
 * <ul>
 *   <li>at most {@code limits.maxBody} bytes: the read that passes it throws a {@link RequestRejectedException}
 *       (413), which the handler can still answer (Undertow's own limit closes the stream, which reads as its end:
 *       a truncated body the proxy would finish as a complete one);</li>
 *   <li>with a {@code content-length}, its last byte only once the stream has ended right after it: the byte that
 *       completes the request on the backend connection never goes up while the client may still send more (DATA
 *       beyond the declared length makes Undertow reset the stream; a shorter body ends it too early), so a body
 *       that disagrees with its {@code content-length} is never forwarded complete. Disagreement seen here is a
 *       {@link RequestRejectedException} (400).</li>
 * </ul>
 * Once a refusal is thrown, reads see the end of the body (Undertow drains a body before it sends the handler's
 * answer). A reader left waiting {@code timeouts.idle} for the client's next byte resets the stream
 * ({@code CANCEL}), as a stalled HTTP/1.1 body closes its connection: the other streams go on.
 *
 * <p>Threads: one reader at a time, on the connection's IO thread or, for a handler that dispatched and reads
 * blocking, on a worker thread; the stall timer always runs on the IO thread. What the two share (when the reader
 * began waiting, the armed timer, whether the body has ended) is volatile; everything else belongs to the reader.
 * A race between a read and the timer costs at most a timer that fires once more and finds nothing to do.
 */
final class Http2Body extends ReadThroughConduit {

    private final long maxBody;
    /** The declared length, or -1. */
    private final long declared;
    private final HttpServerExchange exchange;
    private final long idleNanos;
    private final Http2Guard guard;
    /** When the reader began waiting for the client's next byte; 0 while it is not waiting. */
    private volatile long waitingSince;
    private volatile XnioExecutor.Key timer;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private long delivered;
    /** The declared length's last byte, read but held until the stream's end is seen. */
    private boolean holding;
    private byte held;
    private volatile boolean ended;

    /** {@code idle}: how long the reader may wait for a byte ({@code timeouts.idle}); {@code guard} logs a stall. */
    Http2Body(StreamSourceConduit next, HttpServerExchange exchange, long maxBody, Duration idle, Http2Guard guard) {
        super(next);
        this.exchange = exchange;
        this.maxBody = maxBody;
        this.declared = exchange.getRequestContentLength();
        this.idleNanos = idle.toNanos();
        this.guard = guard;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        int read = readChecked(dst);
        if (read == 0) {
            waiting();
        } else {
            waitingSince = 0;
            if (read < 0) {
                stopTimer();
            }
        }
        return read;
    }

    private int readChecked(ByteBuffer dst) throws IOException {
        if (ended) {
            return -1;
        }
        if (declared >= 0 && delivered >= declared - 1) {
            return lastByte(dst);
        }
        int limit = dst.limit();
        if (declared >= 0 && dst.remaining() > declared - 1 - delivered) {
            dst.limit(dst.position() + (int) (declared - 1 - delivered));
        }
        int read;
        try {
            read = next.read(dst);
        } finally {
            dst.limit(limit);
        }
        if (read < 0) {
            if (declared >= 0) {
                throw refuse(400, "HTTP/2 body shorter than content-length");
            }
            ended = true;
            return -1;
        }
        delivered += read;
        if (delivered > maxBody) {
            throw refuse(413, "HTTP/2 body larger than limits.maxBody " + maxBody);
        }
        return read;
    }

    /** With all but the declared length's last byte delivered: that byte, once the stream has ended after it. */
    private int lastByte(ByteBuffer dst) throws IOException {
        if (!holding && delivered < declared) {
            probe.clear();
            int read = next.read(probe);
            if (read <= 0) {
                if (read < 0) {
                    throw refuse(400, "HTTP/2 body shorter than content-length");
                }
                return 0;
            }
            held = probe.get(0);
            holding = true;
        }
        probe.clear();
        int after = next.read(probe);
        if (after > 0) {
            throw refuse(400, "HTTP/2 body longer than content-length");
        }
        if (after == 0) {
            return 0;
        }
        ended = true;
        if (!holding) {
            return -1;
        }
        holding = false;
        delivered++;
        dst.put(held);
        return 1;
    }

    private RequestRejectedException refuse(int status, String reason) {
        ended = true;
        stopTimer();
        return new RequestRejectedException(Rejection.of(status, reason));
    }

    private void waiting() {
        if (waitingSince != 0) {
            return;
        }
        waitingSince = Math.max(1, System.nanoTime());
        if (timer == null) {
            arm(idleNanos);
        }
    }

    private void arm(long delayNanos) {
        timer = exchange.getIoThread().executeAfter(this::tick, Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)),
                TimeUnit.MILLISECONDS);
    }

    private void tick() {
        timer = null;
        long since = waitingSince;
        if (since == 0 || ended) {
            return;
        }
        long waited = System.nanoTime() - since;
        if (waited < idleNanos) {
            arm(idleNanos - waited);
            return;
        }
        ended = true;
        guard.refused("HTTP/2 stream reset: request body stalled for timeouts.idle");
        // Over HTTP/2 closing the exchange's connection resets its stream alone.
        IoUtils.safeClose(exchange.getConnection());
    }

    private void stopTimer() {
        XnioExecutor.Key armed = timer;
        if (armed != null) {
            armed.remove();
            timer = null;
        }
    }

    @Override
    public void suspendReads() {
        // A reader that stops asking (back-pressure) is not a stalled client.
        waitingSince = 0;
        next.suspendReads();
    }
}
