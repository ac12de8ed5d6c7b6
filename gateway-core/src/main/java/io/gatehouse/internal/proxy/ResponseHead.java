package io.gatehouse.internal.proxy;

import io.gatehouse.internal.http.HttpSyntax;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A backend's response head (RFC 9112 §4-5), parsed from the bytes read so far. Strict where leniency would let a
 * backend's bytes mean two things: a status line must be {@code HTTP/1.x}, three digits, an optional reason; a
 * field name is a token followed directly by a colon; a field line may not be folded; no control characters
 * other than tab in a value. Lines end in CRLF, or a lone LF (which RFC 9112 §2.2 lets a recipient accept, and
 * nginx does); a CR anywhere else is refused.
 *
 * <p>{@link #parse} reads from {@code buffer}'s position to its limit and, when a whole head is there, returns it
 * with the position just after it; else it returns null and leaves the position alone.
 *
 * <p>Each backend connection keeps the {@link Recent} values of the fields that describe the server or the resource:
 * a backend sends most of them again, byte for byte, in its next response (Server, Content-Type, Accept-Ranges, an
 * ETag), and reusing the string saves two arrays and a string per field; a value that differs in any byte is a new
 * string.
 */
final class ResponseHead {

    /** Why a response head cannot be relayed; the forwarder answers 502 and discards the connection. */
    static final class Malformed extends Exception {
        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Names backends send with nearly every response, matched without allocating; others become new HttpStrings.
     * The first {@link #KEPT} describe the server or the resource and are kept in {@link Recent}; the others belong
     * to one client or one answer (a cookie, a redirect, a challenge) and never outlive their response.
     */
    private static final HttpString[] COMMON = {
            Headers.SERVER, Headers.DATE, Headers.CONTENT_TYPE, Headers.CONTENT_LENGTH, Headers.CONNECTION,
            Headers.KEEP_ALIVE, Headers.TRANSFER_ENCODING, Headers.LAST_MODIFIED, Headers.ETAG, Headers.ACCEPT_RANGES,
            Headers.CACHE_CONTROL, Headers.EXPIRES, Headers.VARY, Headers.CONTENT_ENCODING, Headers.CONTENT_LANGUAGE,
            Headers.PRAGMA, Headers.AGE,
            Headers.SET_COOKIE, Headers.LOCATION, Headers.WWW_AUTHENTICATE, Headers.CONTENT_RANGE, Headers.UPGRADE,
            Headers.SEC_WEB_SOCKET_ACCEPT, Headers.RETRY_AFTER};
    private static final int KEPT = Arrays.asList(COMMON).indexOf(Headers.SET_COOKIE);

    /**
     * Per kept field, and for the reason phrase, the value the last head parsed with it had, interim heads included.
     * Belongs to one backend connection, which serves one request at a time: not thread-safe.
     */
    static final class Recent {
        private static final int REASON = KEPT;
        private final String[] values = new String[KEPT + 1];
        /** Each value's bytes, to compare the next response's with. */
        private final byte[][] bytes = new byte[KEPT + 1][];
    }

    final int status;
    final String reason;
    final HttpString protocol;
    /**
     * The fields in the order they came, as two parallel arrays rather than a {@link io.undertow.util.HeaderMap}:
     * they are read a few times and copied once, into the client's response.
     */
    private HttpString[] names = new HttpString[16];
    private String[] values = new String[16];
    private int fields;
    /** The values of the Connection fields, kept apart: each field is checked against them on its way out. */
    private List<String> connection = List.of();

    private ResponseHead(int status, String reason, HttpString protocol) {
        this.status = status;
        this.reason = reason;
        this.protocol = protocol;
    }

    int fields() {
        return fields;
    }

    HttpString name(int field) {
        return names[field];
    }

    String value(int field) {
        return values[field];
    }

    /** How many fields are named {@code name}. */
    int count(HttpString name) {
        int count = 0;
        for (int i = 0; i < fields; i++) {
            if (name.equals(names[i])) {
                count++;
            }
        }
        return count;
    }

    /** The value of the first field named {@code name}, or null. */
    String first(HttpString name) {
        for (int i = 0; i < fields; i++) {
            if (name.equals(names[i])) {
                return values[i];
            }
        }
        return null;
    }

    /** The values of the Connection fields, in order; empty when there are none. */
    List<String> connection() {
        return connection;
    }

    private void add(HttpString name, String value) {
        if (fields == names.length) {
            names = Arrays.copyOf(names, fields * 2);
            values = Arrays.copyOf(values, fields * 2);
        }
        names[fields] = name;
        values[fields] = value;
        fields++;
        if (name == Headers.CONNECTION) {
            if (connection.isEmpty()) {
                connection = new ArrayList<>(2);
            }
            connection.add(value);
        }
    }

    boolean isInterim() {
        return status < 200;
    }

    /** Whether the backend keeps the connection open after this response (RFC 9112 §9.3). */
    boolean keepsConnectionOpen() {
        boolean http11 = Protocols.HTTP_1_1.equals(protocol);
        return http11 ? !HopByHop.lists(connection, Headers.CLOSE) : HopByHop.lists(connection, Headers.KEEP_ALIVE);
    }

    /** The head at {@code buffer}'s position, or null when it is not all there yet. */
    static ResponseHead parse(ByteBuffer buffer, Recent recent) throws Malformed {
        int start = buffer.position();
        int limit = buffer.limit();
        int lineEnd = lineEnd(buffer, start, limit);
        if (lineEnd < 0) {
            return null;
        }
        int end = endOfHead(buffer, lineEnd, limit);
        if (end < 0) {
            return null;
        }
        // The status line: HTTP/1.x SP 3DIGIT [SP reason]
        int contentEnd = contentEnd(buffer, start, lineEnd);
        if (contentEnd - start < 12 || !matches(buffer, start, "HTTP/1.") || buffer.get(start + 8) != ' ') {
            throw new Malformed("invalid protocol in status line");
        }
        HttpString protocol = switch (buffer.get(start + 7)) {
            case '1' -> Protocols.HTTP_1_1;
            case '0' -> Protocols.HTTP_1_0;
            default -> throw new Malformed("invalid protocol in status line");
        };
        int status = 0;
        for (int i = start + 9; i < start + 12; i++) {
            byte digit = buffer.get(i);
            if (digit < '0' || digit > '9') {
                throw new Malformed("invalid status code");
            }
            status = status * 10 + digit - '0';
        }
        if (contentEnd > start + 12 && buffer.get(start + 12) != ' ') {
            throw new Malformed("invalid status code");
        }
        if (status < 100) {
            throw new Malformed("invalid status " + status);
        }
        String reason = contentEnd > start + 13 ? text(buffer, start + 13, contentEnd, "reason phrase", recent, Recent.REASON) : "";
        ResponseHead head = new ResponseHead(status, reason, protocol);
        int line = lineEnd + 1;
        while (true) {
            int next = lineEnd(buffer, line, limit);
            int content = contentEnd(buffer, line, next);
            if (content == line) {
                buffer.position(next + 1);
                return head;
            }
            field(buffer, line, content, head, recent);
            line = next + 1;
        }
    }

    private static void field(ByteBuffer buffer, int from, int to, ResponseHead head, Recent recent) throws Malformed {
        int colon = from;
        while (colon < to && buffer.get(colon) != ':') {
            byte b = buffer.get(colon);
            if (!HttpSyntax.tchar(b)) {
                throw new Malformed(colon == from && HttpSyntax.whitespace(b) ? "folded header line" : "invalid header name");
            }
            colon++;
        }
        if (colon == from || colon == to) {
            throw new Malformed("invalid header line");
        }
        int valueStart = colon + 1;
        while (valueStart < to && HttpSyntax.whitespace(buffer.get(valueStart))) {
            valueStart++;
        }
        int valueEnd = to;
        while (valueEnd > valueStart && HttpSyntax.whitespace(buffer.get(valueEnd - 1))) {
            valueEnd--;
        }
        int common = common(buffer, from, colon);
        if (common < 0) {
            byte[] name = new byte[colon - from];
            buffer.get(from, name);
            head.add(new HttpString(name), text(buffer, valueStart, valueEnd, "header value", null, 0));
        } else {
            HttpString name = COMMON[common];
            head.add(name, text(buffer, valueStart, valueEnd, "header value", common < KEPT ? recent : null, common));
        }
    }

    /** The index in {@link #COMMON} of the name between {@code from} and {@code to}, or -1. */
    private static int common(ByteBuffer buffer, int from, int to) {
        int length = to - from;
        for (int i = 0; i < COMMON.length; i++) {
            if (COMMON[i].length() == length && equalsIgnoreCase(buffer, from, COMMON[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The bytes are a validated token: for token bytes against a name of letters and hyphens, equal once bit 5 is
     * set means equal ignoring case.
     */
    private static boolean equalsIgnoreCase(ByteBuffer buffer, int from, HttpString name) {
        for (int i = 0; i < name.length(); i++) {
            int a = buffer.get(from + i);
            int b = name.byteAt(i);
            if (a != b && (a | 0x20) != (b | 0x20)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Visible characters, spaces and tabs (obs-text included); any other control character is refused. The string
     * kept in {@code recent}'s {@code slot} when it has the same bytes (recent may be null: nothing kept); the bytes
     * are checked and compared in one pass.
     */
    private static String text(ByteBuffer buffer, int from, int to, String what, Recent recent, int slot) throws Malformed {
        byte[] last = recent == null ? null : recent.bytes[slot];
        boolean same = last != null && last.length == to - from;
        for (int i = from; i < to; i++) {
            byte b = buffer.get(i);
            if (!HttpSyntax.fieldValue(b)) {
                throw new Malformed("control character in " + what);
            }
            same = same && b == last[i - from];
        }
        if (same) {
            return recent.values[slot];
        }
        byte[] bytes = new byte[to - from];
        buffer.get(from, bytes);
        String value = new String(bytes, StandardCharsets.ISO_8859_1);
        if (recent != null) {
            recent.bytes[slot] = bytes;
            recent.values[slot] = value;
        }
        return value;
    }

    private static boolean matches(ByteBuffer buffer, int from, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (buffer.get(from + i) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The index of the LF ending the line that starts at {@code from}, or -1. */
    private static int lineEnd(ByteBuffer buffer, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (buffer.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Where the line's content ends: before the LF at {@code lf}, and before a CR right in front of it. */
    private static int contentEnd(ByteBuffer buffer, int from, int lf) throws Malformed {
        int end = lf > from && buffer.get(lf - 1) == '\r' ? lf - 1 : lf;
        for (int i = from; i < end; i++) {
            if (buffer.get(i) == '\r') {
                throw new Malformed("bare CR in response head");
            }
        }
        return end;
    }

    /** The index of the LF ending the empty line that ends the head, searching after the status line; or -1. */
    private static int endOfHead(ByteBuffer buffer, int statusLineEnd, int limit) {
        int lineStart = statusLineEnd + 1;
        for (int i = lineStart; i < limit; i++) {
            if (buffer.get(i) == '\n') {
                if (i == lineStart || (i == lineStart + 1 && buffer.get(lineStart) == '\r')) {
                    return i;
                }
                lineStart = i + 1;
            }
        }
        return -1;
    }
}
