package io.gatehouse.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The daemon tests' one raw-socket HTTP client: a GET whose Host header is exactly what the test says
 * (java.net.http forbids setting it). gateway-core's {@code io.gatehouse.testing.RawHttp} is not on this module's
 * test class path (core publishes no test-jar), hence this small one.
 */
final class RawGet {

    private RawGet() {
    }

    /** A response read to the end of a {@code Connection: close} exchange: the head as text, the body de-chunked, as UTF-8. */
    record Response(int status, String head, String body) {
    }

    /**
     * GET {@code target} with {@code Host: host} on 127.0.0.1:{@code port}, {@code Connection: close}.
     *
     * @throws UncheckedIOException if the connection fails or closes before a complete response head
     */
    static Response get(int port, String host, String target) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            if (!head.endsWith("\r\n\r\n")) {
                throw new IOException("no complete response head: " + head);
            }
            String body = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (headerValues(head, "Transfer-Encoding").contains("chunked")) {
                body = dechunk(body);
            }
            int status = Integer.parseInt(head.substring(9, 12));
            return new Response(status, head, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The values of every {@code name} header line in a request or response head, in order. */
    static List<String> headerValues(String head, String name) {
        List<String> values = new ArrayList<>();
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                values.add(line.substring(prefix.length()).strip());
            }
        }
        return values;
    }

    /** Reads a request or response head up to and including its empty line (less if the stream ends first). */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while (last4 != 0x0d0a0d0a && (b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
