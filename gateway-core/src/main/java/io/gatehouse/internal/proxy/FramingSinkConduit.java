package io.gatehouse.internal.proxy;

import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.ConduitWritableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Frames a request body as its backend protocol wants it on a backend connection: HTTP/1.1 chunks
 * ({@link ChunkingSinkConduit}), FastCGI {@code FCGI_STDIN} records ({@link FastCgiRecords.StdinConduit}). Ending
 * it writes the protocol's last frame, also when no byte of body came, and leaves the connection open for the next
 * request. Each write takes up to {@code maxFrame} bytes of data, framed into a pending frame that later writes and
 * {@link #flush()} finish sending first.
 */
abstract class FramingSinkConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

    private final int maxFrame;
    /** Framed bytes not yet sent, ready to write; empty between frames. */
    private final ByteBuffer pending;
    private boolean ended;

    /**
     * @param maxFrame the most data bytes in one frame
     * @param overhead the most framing bytes one frame adds, and what the last frame takes
     */
    FramingSinkConduit(StreamSinkConduit next, int maxFrame, int overhead) {
        super(next);
        this.maxFrame = maxFrame;
        this.pending = ByteBuffer.allocate(maxFrame + overhead).flip();
    }

    /** Writes the framing that goes before {@code length} data bytes. */
    abstract void open(ByteBuffer into, int length);

    /** Writes the framing that goes after a frame's data. */
    abstract void close(ByteBuffer into);

    /** Writes the frame that ends the body. */
    abstract void last(ByteBuffer into);

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (ended) {
            throw new IOException("the request body has ended");
        }
        if (!sendPending() || !src.hasRemaining()) {
            return 0;
        }
        int length = Math.min(src.remaining(), maxFrame);
        pending.clear();
        open(pending, length);
        int limit = src.limit();
        src.limit(src.position() + length);
        pending.put(src);
        src.limit(limit);
        close(pending);
        pending.flip();
        sendPending();
        return length;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
        long written = 0;
        for (int i = offs; i < offs + len; i++) {
            int before = srcs[i].remaining();
            written += write(srcs[i]);
            if (srcs[i].remaining() > 0 && before > 0) {
                break;
            }
        }
        return written;
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        return Conduits.writeFinalBasic(this, src);
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
        return Conduits.writeFinalBasic(this, srcs, offs, len);
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
        return src.transferTo(position, count, new ConduitWritableByteChannel(this));
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
        return IoUtils.transfer(source, count, throughBuffer, new ConduitWritableByteChannel(this));
    }

    @Override
    public void terminateWrites() throws IOException {
        if (ended) {
            return;
        }
        ended = true;
        pending.compact();
        last(pending);
        pending.flip();
    }

    @Override
    public boolean flush() throws IOException {
        return sendPending() && next.flush();
    }

    private boolean sendPending() throws IOException {
        while (pending.hasRemaining()) {
            if (next.write(pending) == 0) {
                return false;
            }
        }
        return true;
    }
}
