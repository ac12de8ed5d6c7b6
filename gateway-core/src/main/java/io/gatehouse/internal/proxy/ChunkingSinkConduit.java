package io.gatehouse.internal.proxy;

import org.xnio.conduits.StreamSinkConduit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Frames a request body of unknown length as HTTP/1.1 chunks on a backend connection. Ending it writes the last
 * chunk, also when no byte of body came (the head already announced chunked, so the backend waits for one), and
 * leaves the connection open for the next request.
 */
final class ChunkingSinkConduit extends FramingSinkConduit {

    private static final int MAX_CHUNK = 16 * 1024;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    ChunkingSinkConduit(StreamSinkConduit next) {
        super(next, MAX_CHUNK, 16);
    }

    @Override
    void open(ByteBuffer into, int length) {
        into.put(Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII)).put((byte) '\r').put((byte) '\n');
    }

    @Override
    void close(ByteBuffer into) {
        into.put((byte) '\r').put((byte) '\n');
    }

    @Override
    void last(ByteBuffer into) {
        into.put(LAST_CHUNK);
    }
}
