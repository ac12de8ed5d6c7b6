package io.gatehouse.internal.guard;

import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

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
 * answer). Used by one reader at a time.
 */
final class Http2Body extends AbstractStreamSourceConduit<StreamSourceConduit> {

    private final long maxBody;
    /** The declared length, or -1. */
    private final long declared;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private long delivered;
    /** The declared length's last byte, read but held until the stream's end is seen. */
    private boolean holding;
    private byte held;
    private boolean ended;

    Http2Body(StreamSourceConduit next, long maxBody, long declared) {
        super(next);
        this.maxBody = maxBody;
        this.declared = declared;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (ended) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
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
        return new RequestRejectedException(Rejection.of(status, reason));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        for (int i = offs; i < offs + len; i++) {
            if (dsts[i].hasRemaining()) {
                return read(dsts[i]);
            }
        }
        return 0;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return IoUtils.transfer(new ConduitReadableByteChannel(this), count, throughBuffer, target);
    }
}
