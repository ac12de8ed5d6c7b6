package io.gatehouse.internal.proxy;

import io.gatehouse.internal.http.HttpSyntax;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;

import java.nio.charset.StandardCharsets;

/**
 * The header block a CGI or FastCGI script writes before its body (RFC 3875 §6), read as lighttpd reads it: lines
 * ending in LF or CRLF up to an empty one; {@code Status: 404 Not Found} sets the status and reason (three digits,
 * 200 to 599: no interim status); a {@code Location} with no {@code Status} answers 302 (RFC 3875 §6.2.3 "client redirect"), also for
 * a local path, as lighttpd does unless its {@code cgi.local-redir} is on: Gatehouse makes no internal redirect;
 * otherwise 200. Every field is checked as a backend's would be: a name of token characters, a value of visible
 * characters, spaces and tabs only (never CR, LF or NUL alone inside it), a Content-Length of digits and only one:
 * anything else is a malformed head (502). Hop-by-hop fields (Connection, Transfer-Encoding, Keep-Alive...) are
 * dropped, never relayed: the client's framing is Gatehouse's.
 */
final class CgiResponseHead {

    private static final HttpString STATUS = new HttpString("Status");

    /** The head is not one a client may be given; the message says why. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    final int status;
    /** The reason phrase the script gave, or null for the usual one. */
    final String reason;
    final HeaderMap headers;

    private CgiResponseHead(int status, String reason, HeaderMap headers) {
        this.status = status;
        this.reason = reason;
        this.headers = headers;
    }

    /**
     * Where the head in {@code bytes[0..length)} ends: the index just past its empty line, or -1 when it is not
     * whole yet.
     */
    static int end(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (i + 1 < length && bytes[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < length && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') {
                return i + 3;
            }
        }
        // A head with no field at all: the body starts at once.
        if (length >= 1 && bytes[0] == '\n') {
            return 1;
        }
        return length >= 2 && bytes[0] == '\r' && bytes[1] == '\n' ? 2 : -1;
    }

    /** Parses the head in {@code bytes[0..end)}, {@code end} from {@link #end}. */
    static CgiResponseHead parse(byte[] bytes, int end) throws Malformed {
        HeaderMap headers = new HeaderMap();
        int status = 0;
        String reason = null;
        int line = 0;
        while (line < end) {
            int lf = line;
            while (bytes[lf] != '\n') {
                lf++;
            }
            int lineEnd = lf > line && bytes[lf - 1] == '\r' ? lf - 1 : lf;
            if (lineEnd == line) {
                break;
            }
            int colon = line;
            while (colon < lineEnd && bytes[colon] != ':') {
                if (!HttpSyntax.tchar(bytes[colon])) {
                    throw new Malformed("invalid header name in the script's response");
                }
                colon++;
            }
            if (colon == line || colon == lineEnd) {
                throw new Malformed("header line without a name and a colon in the script's response");
            }
            int valueStart = colon + 1;
            int valueEnd = lineEnd;
            while (valueStart < valueEnd && HttpSyntax.whitespace(bytes[valueStart])) {
                valueStart++;
            }
            while (valueEnd > valueStart && HttpSyntax.whitespace(bytes[valueEnd - 1])) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                if (!HttpSyntax.fieldValue(bytes[i])) {
                    throw new Malformed("control character in a header value of the script's response");
                }
            }
            HttpString name = new HttpString(bytes, line, colon - line);
            String value = new String(bytes, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
            if (name.equals(STATUS)) {
                status = status(value);
                reason = value.length() > 4 ? value.substring(4).strip() : null;
            } else if (!HopByHop.fixed(name)) {
                headers.add(name, value);
            }
            line = lf + 1;
        }
        checkLength(headers);
        if (status == 0) {
            status = headers.contains(Headers.LOCATION) ? StatusCodes.FOUND : StatusCodes.OK;
        }
        if (reason != null && (reason.isEmpty() || reason.equals(StatusCodes.getReason(status)))) {
            reason = null;
        }
        return new CgiResponseHead(status, reason, headers);
    }

    private static int status(String value) throws Malformed {
        if (value.length() < 3 || (value.length() > 3 && value.charAt(3) != ' ')) {
            throw new Malformed("invalid Status in the script's response");
        }
        int status = 0;
        for (int i = 0; i < 3; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new Malformed("invalid Status in the script's response");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 200 || status > 599) {
            throw new Malformed("invalid Status in the script's response");
        }
        return status;
    }

    private static void checkLength(HeaderMap headers) throws Malformed {
        if (headers.count(Headers.CONTENT_LENGTH) == 0) {
            return;
        }
        String length = headers.getFirst(Headers.CONTENT_LENGTH);
        if (headers.count(Headers.CONTENT_LENGTH) > 1 || length.isEmpty() || length.length() > 18
                || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Malformed("invalid Content-Length in the script's response");
        }
    }
}
