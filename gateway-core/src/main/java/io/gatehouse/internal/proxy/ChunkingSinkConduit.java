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
import java.nio.charset.StandardCharsets;

/**
 * Frames a request body of unknown length as HTTP/1.1 chunks on a backend connection. Ending it writes the last
 * chunk, also when no byte of body came (the head already announced chunked, so the backend waits for one), and
 * leaves the connection open for the next request. Each write takes up to one buffer of data, framed into a
 * pending chunk that later writes and {@link #flush()} finish sending first.
 */
final class ChunkingSinkConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

    private static final int MAX_CHUNK = 16 * 1024;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Framed bytes not yet sent, ready to write; empty between chunks. */
    private final ByteBuffer pending = ByteBuffer.allocate(MAX_CHUNK + 16).flip();
    private boolean ended;

    ChunkingSinkConduit(StreamSinkConduit next) {
        super(next);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (ended) {
            throw new IOException("the request body has ended");
        }
        if (!sendPending() || !src.hasRemaining()) {
            return 0;
        }
        int length = Math.min(src.remaining(), MAX_CHUNK);
        pending.clear();
        pending.put(Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII)).put((byte) '\r').put((byte) '\n');
        int limit = src.limit();
        src.limit(src.position() + length);
        pending.put(src);
        src.limit(limit);
        pending.put((byte) '\r').put((byte) '\n').flip();
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
        pending.compact().put(LAST_CHUNK).flip();
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
