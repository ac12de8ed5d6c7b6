package io.gatehouse.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends bytes exactly as written and reads one response, because HTTP clients normalise away the malformed
 * input that security tests are about.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * A parsed response: status, the header section as text, the body, and whether the server closed. The body
     * holds one char per byte received (ISO-8859-1), so it converts back to the exact bytes.
     */
    public record Response(int status, String head, String body, boolean closed) {

        /** The first value of header {@code name} (case-insensitive), or null. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        /** Every header field, as a new modifiable map: names lower-cased, in name order; values in the order received. */
        public Map<String, List<String>> headerFields() {
            Map<String, List<String>> fields = new TreeMap<>();
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                            .add(line.substring(colon + 1).trim());
                }
            }
            return fields;
        }

        /** The body's bytes exactly as received. */
        public byte[] bodyBytes() {
            return body.getBytes(StandardCharsets.ISO_8859_1);
        }

        /** The body decoded as UTF-8. */
        public String bodyText() {
            return new String(bodyBytes(), StandardCharsets.UTF_8);
        }

        /**
         * The body with the chunked transfer coding removed, for a response read by {@link RawHttp#exchangeToClose};
         * the body as is when the response is not chunked.
         */
        public byte[] dechunkedBody() throws IOException {
            String encoding = header("Transfer-Encoding");
            if (encoding == null || !encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                return bodyBytes();
            }
            return readChunked(new ByteArrayInputStream(bodyBytes()));
        }
    }

    /** Sends {@code request} (CRLFs included by the caller) and reads the response to its end. */
    public static Response exchange(InetSocketAddress address, String request) throws IOException {
        try (Socket socket = send(null, address, request)) {
            return read(socket);
        }
    }

    /** Like {@link #exchange}, from a chosen local address (any of 127.0.0.0/8 works on loopback). */
    public static Response exchangeFrom(InetAddress local, InetSocketAddress address, String request) throws IOException {
        try (Socket socket = send(local, address, request)) {
            return read(socket);
        }
    }

    /**
     * Sends {@code request} and reads until the server closes the connection, keeping every byte after the head
     * as the body, unframed (no Content-Length cut, no de-chunking): for tests that assert what a server sends
     * beyond the head, such as no body at all on HEAD or 304. The request should say {@code Connection: close}.
     *
     * @throws IOException if the connection closes before a complete response head
     */
    public static Response exchangeToClose(InetSocketAddress address, String request) throws IOException {
        try (Socket socket = send(null, address, request)) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            if (!head.endsWith("\r\n\r\n")) {
                throw new IOException("no complete response head in: " + head);
            }
            int status = Integer.parseInt(head.substring(9, 12));
            return new Response(status, head, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1), true);
        }
    }

    /**
     * Sends {@code request}, reads the response head and the first body bytes, then resets the connection
     * (SO_LINGER 0), as a client that gives up mid-download does.
     *
     * @return the response head
     * @throws IOException if the connection closes before the head and one body byte
     */
    public static String readHeadThenReset(InetSocketAddress address, String request) throws IOException {
        try (Socket socket = send(null, address, request)) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            if (!head.endsWith("\r\n\r\n") || in.read() < 0) {
                throw new IOException("no response head and body to break off in: " + head);
            }
            socket.setSoLinger(true, 0);
            return head;
        }
    }

    /** Connects to {@code address} (from {@code local} when not null) and writes {@code request}. */
    private static Socket send(InetAddress local, InetSocketAddress address, String request) throws IOException {
        Socket socket = new Socket();
        try {
            if (local != null) {
                socket.bind(new InetSocketAddress(local, 0));
            }
            socket.connect(address, 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Reads one response from {@code socket}: by Content-Length, chunked, or to the end of the stream; then
     * waits up to two seconds to see whether the server closes the connection (send {@code Connection: close}
     * when that does not matter).
     */
    public static Response read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        if (head.isEmpty()) {
            throw new IOException("connection closed before any response");
        }
        int status = Integer.parseInt(head.substring(9, 12));
        Response partial = new Response(status, head, "", false);
        String length = partial.header("Content-Length");
        String encoding = partial.header("Transfer-Encoding");
        byte[] body;
        if (status == 304 || status == 204 || status / 100 == 1) {
            body = new byte[0];
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(in);
        } else {
            body = in.readAllBytes();
        }
        socket.setSoTimeout(2_000);
        return new Response(status, head, new String(body, StandardCharsets.ISO_8859_1), closedAfter(in));
    }

    private static boolean closedAfter(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while (last4 != 0x0d0a0d0a && (b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
