package io.gatehouse.testing;

import io.undertow.protocols.http2.HpackDecoder;
import io.undertow.protocols.http2.HpackException;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/2 frames written exactly as a test composes them, on a plain socket (h2c with prior knowledge) or on any
 * connected socket that already speaks HTTP/2 (TLS after ALPN): client libraries refuse to send the malformed
 * frames that security tests are about. Header blocks are HPACK literals without indexing and without Huffman
 * coding, so a test can write upper-case names, CR, LF or NUL, pseudo-headers in any order. Responses are read back
 * frame by frame; their header blocks are decoded with Undertow's HPACK decoder (one per connection, as the
 * dynamic table requires).
 *
 * <p>Not thread-safe: one test thread drives a connection.
 */
public final class RawHttp2 implements AutoCloseable {

    /** The client connection preface (RFC 9113 section 3.4). */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;

    public static final int NO_ERROR = 0x0;
    public static final int PROTOCOL_ERROR = 0x1;
    public static final int REFUSED_STREAM = 0x7;
    public static final int CANCEL = 0x8;
    public static final int ENHANCE_YOUR_CALM = 0xb;

    /** SETTINGS_MAX_CONCURRENT_STREAMS. */
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    /** SETTINGS_INITIAL_WINDOW_SIZE: the flow-control window each new stream starts with. */
    public static final int INITIAL_WINDOW_SIZE = 0x4;

    /** One frame as read: its type, flags, stream and payload. */
    public record Frame(int type, int flags, int stream, byte[] payload) {

        /** The error code of a RST_STREAM or GOAWAY frame. */
        public int errorCode() {
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            return type == GOAWAY ? buffer.getInt(4) : buffer.getInt(0);
        }

        public boolean has(int flag) {
            return (flags & flag) != 0;
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + ", flags=" + flags + ", stream=" + stream + ", length=" + payload.length + "]";
        }
    }

    /**
     * How a stream ended as seen by the client: a response (status, headers, body), a RST_STREAM (its code), a
     * GOAWAY (its code) or the connection closing; the fields of what did not happen are -1 or empty.
     */
    public record Outcome(int status, Map<String, List<String>> headers, byte[] body, int resetCode, int goAwayCode,
                          boolean closed) {

        /** The first value of {@code name} (lower case), or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Whether the request was refused without a response: a stream reset, a GOAWAY or a closed connection. */
        public boolean refusedWithoutResponse() {
            return status == -1 && (resetCode >= 0 || goAwayCode >= 0 || closed);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final HpackDecoder decoder = new HpackDecoder();
    /** Frames read while waiting for another stream's, kept for a later {@link #await}. */
    private final List<Frame> unclaimed = new ArrayList<>();
    private int goAwayCode = -1;
    /** DATA read opens the flow-control windows by as much, as a client reading a response does. */
    private boolean opensWindows = true;

    private RawHttp2(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to a plain listener, sends the preface and an empty SETTINGS frame (h2c with prior knowledge). */
    public static RawHttp2 connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        return start(socket);
    }

    /** Sends the preface and an empty SETTINGS frame on {@code socket}, already connected (and through ALPN, if TLS). */
    public static RawHttp2 start(Socket socket) throws IOException {
        RawHttp2 connection = new RawHttp2(socket);
        connection.out.write(PREFACE);
        connection.frame(SETTINGS, 0, 0, new byte[0]);
        return connection;
    }

    /** Writes one frame. */
    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(frameBytes(type, flags, stream, payload));
        out.flush();
    }

    /** The bytes of one frame, for tests that write several in one go. */
    public static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream & 0x7fffffff).put(payload);
        return frame.array();
    }

    /** Writes raw bytes, for tests that batch frames ({@link #frameBytes}). */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Writes a flood of bytes, ignoring a write that fails because the server closed the connection midway: what
     * it answered is then read by {@link #awaitGoAway}.
     */
    public void writeIgnoringReset(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
            out.flush();
        } catch (SocketException e) {
            // The server ended the connection before taking it all: the test reads why.
        }
    }

    /** Sends a request without a body on {@code stream} and awaits how it ends. */
    public Outcome headersAndAwait(int stream, String... namesAndValues) throws IOException {
        headers(stream, true, namesAndValues);
        return await(stream);
    }

    /**
     * A header block of {@code namesAndValues} (name, value, name, value, ...), each field an HPACK literal without
     * indexing with a literal name, no Huffman coding: the bytes given are the bytes sent (ISO-8859-1).
     */
    public static byte[] headerBlock(String... namesAndValues) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            block.write(0x00);
            string(block, namesAndValues[i]);
            string(block, namesAndValues[i + 1]);
        }
        return block.toByteArray();
    }

    /** A GET of {@code path} on {@code authority} over http, then {@code extra} fields (name, value, ...). */
    public static String[] get(String authority, String path, String... extra) {
        return request("GET", authority, path, extra);
    }

    /** The four pseudo-headers of a request, then {@code extra} fields (name, value, ...). */
    public static String[] request(String method, String authority, String path, String... extra) {
        List<String> fields = new ArrayList<>(List.of(":method", method, ":scheme", "http", ":authority", authority,
                ":path", path));
        fields.addAll(List.of(extra));
        return fields.toArray(String[]::new);
    }

    /** A HEADERS frame carrying the whole block; {@code endStream}: the request has no body. */
    public void headers(int stream, boolean endStream, String... namesAndValues) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, headerBlock(namesAndValues));
    }

    public void data(int stream, boolean endStream, byte[] payload) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, stream, payload);
    }

    public void rst(int stream, int code) throws IOException {
        frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(code).array());
    }

    public void ping(long opaque) throws IOException {
        frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(opaque).array());
    }

    /** A SETTINGS frame of (identifier, value) pairs. */
    public void settings(int... idsAndValues) throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(idsAndValues.length / 2 * 6);
        for (int i = 0; i < idsAndValues.length; i += 2) {
            payload.putShort((short) idsAndValues[i]).putInt(idsAndValues[i + 1]);
        }
        frame(SETTINGS, 0, 0, payload.array());
    }

    /**
     * Whether DATA read from now on opens the flow-control windows by as much (the default): without, what the server
     * has left to send waits for windows the client does not open (a client that stopped reading, say).
     */
    public void opensWindows(boolean opens) {
        opensWindows = opens;
    }

    /** Sends a PING and reads until its ACK: the server has handled everything the client sent before it. */
    public void pingAndAwaitAck() throws IOException {
        long opaque = System.nanoTime();
        ping(opaque);
        while (true) {
            Frame frame = nextFor(0);
            if (frame == null || frame.type() == GOAWAY) {
                throw new IOException("the connection ended before the PING's ACK: " + frame);
            }
            if (frame.type() == PING && frame.has(ACK) && ByteBuffer.wrap(frame.payload()).getLong() == opaque) {
                return;
            }
        }
    }

    /**
     * The next frame from the server, answering its SETTINGS with an ACK and opening flow-control windows for the
     * DATA it sends; null when the connection closed.
     *
     * @throws java.net.SocketTimeoutException when nothing comes within 10 seconds
     */
    public Frame read() throws IOException {
        int length;
        try {
            length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        } catch (EOFException | SocketException e) {
            return null;
        }
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        Frame frame = new Frame(type, flags, stream, payload);
        if (type == GOAWAY) {
            goAwayCode = frame.errorCode();
        }
        try {
            if (type == SETTINGS && !frame.has(ACK)) {
                frame(SETTINGS, ACK, 0, new byte[0]);
            } else if (type == DATA && length > 0 && opensWindows) {
                byte[] increment = ByteBuffer.allocate(4).putInt(length).array();
                frame(WINDOW_UPDATE, 0, 0, increment);
                frame(WINDOW_UPDATE, 0, stream, increment);
            }
        } catch (SocketException e) {
            // The server has closed its side: the frames still to read say why.
        }
        return frame;
    }

    /**
     * Reads until {@code stream} ends: its response (HEADERS, DATA up to END_STREAM), a RST_STREAM for it, a GOAWAY
     * or the connection closing. Frames of other streams are kept for their own {@link #await}.
     */
    public Outcome await(int stream) throws IOException {
        int status = -1;
        Map<String, List<String>> headers = new TreeMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            Frame frame = nextFor(stream);
            if (frame == null) {
                return new Outcome(status, headers, body.toByteArray(), -1, goAwayCode, true);
            }
            if (frame.type() == GOAWAY) {
                return new Outcome(status, headers, body.toByteArray(), -1, frame.errorCode(), false);
            }
            if (frame.type() == RST_STREAM) {
                return new Outcome(status, headers, body.toByteArray(), frame.errorCode(), -1, false);
            }
            if (frame.type() == HEADERS) {
                decode(frame, headers);
                if (status == -1 && headers.containsKey(":status")) {
                    status = Integer.parseInt(headers.get(":status").get(0));
                }
            } else if (frame.type() == DATA) {
                int padded = (frame.flags() & 0x8) != 0 ? 1 : 0;
                body.write(frame.payload(), padded, frame.payload().length - padded - padding(frame));
            }
            if ((frame.type() == HEADERS || frame.type() == DATA) && frame.has(END_STREAM)) {
                return new Outcome(status, headers, body.toByteArray(), -1, -1, false);
            }
        }
    }

    /**
     * Reads until the server sends GOAWAY (its code) or closes the connection (-1, or the code of a GOAWAY read
     * before).
     */
    public int awaitGoAway() throws IOException {
        while (true) {
            Frame frame = nextFor(-1);
            if (frame == null) {
                return goAwayCode;
            }
            if (frame.type() == GOAWAY) {
                return frame.errorCode();
            }
        }
    }

    /** The next unclaimed frame of {@code stream} or of the connection (stream 0), reading more as needed. */
    private Frame nextFor(int stream) throws IOException {
        for (int i = 0; i < unclaimed.size(); i++) {
            Frame kept = unclaimed.get(i);
            if (kept.stream() == stream) {
                return unclaimed.remove(i);
            }
        }
        while (true) {
            Frame frame = read();
            if (frame == null || frame.stream() == stream || frame.type() == GOAWAY) {
                return frame;
            }
            if (frame.stream() != 0) {
                unclaimed.add(frame);
            }
        }
    }

    private void decode(Frame frame, Map<String, List<String>> headers) throws IOException {
        ByteBuffer block = ByteBuffer.wrap(frame.payload());
        int padding = padding(frame);
        if ((frame.flags() & 0x8) != 0) {
            block.get();
        }
        if ((frame.flags() & 0x20) != 0) {
            block.position(block.position() + 5);
        }
        block.limit(block.limit() - padding);
        decoder.setHeaderEmitter((name, value, neverIndex) ->
                headers.computeIfAbsent(name.toString().toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value));
        try {
            decoder.decode(block, false);
        } catch (HpackException e) {
            throw new IOException("undecodable response header block", e);
        }
    }

    private static int padding(Frame frame) {
        return (frame.flags() & 0x8) != 0 && frame.payload().length > 0 ? frame.payload()[0] & 0xff : 0;
    }

    private static void string(ByteArrayOutputStream block, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        integer(block, bytes.length);
        block.writeBytes(bytes);
    }

    /** An HPACK integer with a 7-bit prefix and the Huffman bit clear. */
    private static void integer(ByteArrayOutputStream block, int value) {
        if (value < 127) {
            block.write(value);
            return;
        }
        block.write(127);
        value -= 127;
        while (value >= 128) {
            block.write(value % 128 + 128);
            value /= 128;
        }
        block.write(value);
    }

    /** Whether the server has closed the connection: reads (and drops) frames until the end of the stream. */
    public boolean closedByServer() throws IOException {
        while (true) {
            if (read() == null) {
                return true;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
