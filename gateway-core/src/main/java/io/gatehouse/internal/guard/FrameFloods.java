package io.gatehouse.internal.guard;

import io.undertow.protocols.http2.ConnectionErrorException;
import io.undertow.protocols.http2.Http2Channel;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The read side of an HTTP/2 connection under Undertow's frame parser, counting the frames that cost the server
 * more than the client, which Undertow 2.4.4 takes without limit: a {@code PING} or a {@code SETTINGS} (each asks
 * for an acknowledgement; a flood of them, unread, piles answers up in the server: CVE-2019-9512, CVE-2019-9515)
 * and {@code CONTINUATION} frames (each may carry nothing, and Undertow parses them as long as they come:
 * CVE-2024-27316 and its kin). Past {@link #MAX_CONTROL_FRAMES} PING and SETTINGS frames in
 * {@link #CONTROL_WINDOW_SECONDS} seconds, or {@link #MAX_CONTINUATIONS} CONTINUATION frames in one header block, the
 * read fails with a connection error {@code ENHANCE_YOUR_CALM}: Undertow sends GOAWAY and closes the connection.
 *
 * <p>Only frame headers are read (nine bytes a frame); payloads pass untouched. Used by one reader at a time.
 */
final class FrameFloods extends ReadThroughConduit {

    /** PING and SETTINGS frames (not acknowledgements) a client may send per window: browsers send a handful. */
    static final int MAX_CONTROL_FRAMES = 100;
    static final int CONTROL_WINDOW_SECONDS = 10;
    /**
     * CONTINUATION frames after one HEADERS: a header list at its largest fits in two or three frames of the
     * default 16 KiB.
     */
    static final int MAX_CONTINUATIONS = 32;

    private static final int FRAME_HEAD = 9;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int HEADERS = 0x1;
    private static final int CONTINUATION = 0x9;
    private static final int ACK = 0x1;

    private final Http2Guard guard;
    private final byte[] head = new byte[FRAME_HEAD];
    /** Bytes to pass before the next frame header: the preface still to come, or the current frame's payload. */
    private long skip;
    private int headRead;
    private int continuations;
    private int controlFrames;
    private long windowStart;

    /** {@code prefaceToCome}: the client preface is still to be read through this conduit (after ALPN). */
    FrameFloods(StreamSourceConduit next, boolean prefaceToCome, Http2Guard guard) {
        super(next);
        this.skip = prefaceToCome ? 24 : 0;
        this.guard = guard;
    }

    /** Counts the frames in {@code alreadyRead}, bytes read off the connection before this conduit was put on it. */
    void passed(ByteBuffer alreadyRead) throws IOException {
        scan(alreadyRead, alreadyRead.position(), alreadyRead.limit());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int read = next.read(dst);
        if (read > 0) {
            scan(dst, start, start + read);
        }
        return read;
    }

    private void scan(ByteBuffer bytes, int from, int to) throws IOException {
        int at = from;
        while (at < to) {
            if (skip > 0) {
                int passed = (int) Math.min(skip, to - at);
                skip -= passed;
                at += passed;
                continue;
            }
            head[headRead++] = bytes.get(at++);
            if (headRead == FRAME_HEAD) {
                headRead = 0;
                frame();
            }
        }
    }

    private void frame() throws IOException {
        int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
        int type = head[3] & 0xff;
        boolean ack = (head[4] & ACK) != 0;
        skip = length;
        if (type == HEADERS) {
            continuations = 0;
        } else if (type == CONTINUATION && ++continuations > MAX_CONTINUATIONS) {
            throw flood("more than " + MAX_CONTINUATIONS + " CONTINUATION frames in one header block");
        } else if ((type == PING || type == SETTINGS) && !ack) {
            long now = System.nanoTime();
            if (controlFrames == 0 || now - windowStart > TimeUnit.SECONDS.toNanos(CONTROL_WINDOW_SECONDS)) {
                windowStart = now;
                controlFrames = 0;
            }
            if (++controlFrames > MAX_CONTROL_FRAMES) {
                throw flood("more than " + MAX_CONTROL_FRAMES + " PING and SETTINGS frames in "
                        + CONTROL_WINDOW_SECONDS + " s");
            }
        }
    }

    private ConnectionErrorException flood(String reason) {
        guard.refused("HTTP/2 connection closed: " + reason);
        return new ConnectionErrorException(Http2Channel.ERROR_ENHANCE_YOUR_CALM, reason);
    }
}
