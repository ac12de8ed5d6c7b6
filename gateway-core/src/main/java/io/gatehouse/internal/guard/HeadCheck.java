package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.internal.http.HttpSyntax;

import java.nio.charset.StandardCharsets;

/**
 * Judges one complete request head (request line, header fields, the blank line) against RFC 9112 framing
 * rules, strictly: anything two HTTP parsers could read differently is refused rather than guessed at.
 *
 * <p>Refused with 400: a request line that is not {@code method SP target SP HTTP/1.x}; a target that is neither
 * origin-form, absolute-form, nor {@code *} with OPTIONS; obs-fold; a field name with a non-token character or
 * whitespace before the colon; a field value with a control character; a missing or repeated Host; a
 * Content-Length that is not one plain decimal number; Transfer-Encoding with Content-Length, in HTTP/1.0, repeated,
 * or with {@code chunked} repeated or not alone.
 * 405 for {@code CONNECT} (Gatehouse is never a forward proxy); 501 for a transfer coding other than chunked; 505
 * for a version other than 1.x; 414 for a target longer than {@code limits.maxUriBytes}; 431 for more than
 * {@code limits.maxHeaders} fields; 413 for a declared Content-Length above {@code limits.maxBody}; 417 for an
 * Expect other than {@code 100-continue}.
 *
 * <p>Bare CR or LF, NUL and the size of the head are checked by the {@link FramingConduit} while the bytes arrive.
 *
 * <p>A reason names the rule and the configured limit, never what the request sent (its version, method, length):
 * it is the kind the refusal log counts its repeats under, which the client must not be able to vary.
 */
final class HeadCheck {

    /** How the body of an accepted request is delimited. */
    enum Framing { NONE, LENGTH, CHUNKED }

    /** An accepted head: how its body is framed and whether it asks to switch protocols. */
    record Head(Framing framing, long contentLength, boolean upgrade) {
    }

    /** The outcome: exactly one of {@code head} and {@code rejection} is set. */
    record Verdict(Head head, Rejection rejection) {
        /** Most requests: no body, no upgrade. Shared, since a verdict holds nothing of the request itself. */
        static final Verdict NO_BODY = new Verdict(new Head(Framing.NONE, 0, false), null);

        static Verdict reject(int status, String reason) {
            return new Verdict(null, Rejection.of(status, reason));
        }
    }

    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;

    private final Limits limits;

    HeadCheck(Limits limits) {
        this.limits = limits;
    }

    /**
     * @param head       the head's bytes, from the request line to the final CRLF CRLF, every line ending in CRLF
     * @param length     how many bytes of {@code head} are used
     * @param lineEnd    where the request line's CR is
     */
    Verdict check(byte[] head, int length, int lineEnd) {
        int sp1 = indexOf(head, ' ', 0, lineEnd);
        int sp2 = sp1 < 0 ? -1 : indexOf(head, ' ', sp1 + 1, lineEnd);
        if (sp1 <= 0 || sp2 < 0 || indexOf(head, ' ', sp2 + 1, lineEnd) >= 0) {
            return Verdict.reject(400, "request line is not method, target and version separated by single spaces");
        }
        for (int i = 0; i < sp1; i++) {
            if (!HttpSyntax.tchar(head[i])) {
                return Verdict.reject(400, "invalid character in method");
            }
        }
        Verdict version = version(head, sp2 + 1, lineEnd);
        if (version != null) {
            return version;
        }
        boolean http10 = head[lineEnd - 1] == '0';
        Verdict target = target(head, sp1, sp2);
        if (target != null) {
            return target;
        }
        return fields(head, lineEnd + 2, length - 2, http10);
    }

    private static Verdict version(byte[] head, int from, int to) {
        if (to - from != 8 || !matches(head, from, from + 5, "HTTP/") || head[from + 6] != '.'
                || !Character.isDigit(head[from + 5]) || !Character.isDigit(head[from + 7])) {
            return Verdict.reject(400, "malformed HTTP version");
        }
        if (head[from + 5] != '1' || head[from + 7] > '1') {
            return Verdict.reject(505, "HTTP version other than 1.x");
        }
        return null;
    }

    /** The target between the spaces at {@code sp1} and {@code sp2}, for the method before {@code sp1}. */
    private Verdict target(byte[] head, int sp1, int sp2) {
        int from = sp1 + 1;
        int to = sp2;
        if (to - from > limits.maxUriBytes()) {
            return Verdict.reject(414, "request target longer than limits.maxUriBytes " + limits.maxUriBytes());
        }
        for (int i = from; i < to; i++) {
            int c = head[i] & 0xff;
            if (c <= 0x20 || c == 0x7f) {
                return Verdict.reject(400, "control character in request target");
            }
        }
        if (matches(head, 0, sp1, "CONNECT")) {
            return Verdict.reject(405, "CONNECT is not supported");
        }
        if (head[from] == '/') {
            return null;
        }
        if (to - from == 1 && head[from] == '*') {
            return matches(head, 0, sp1, "OPTIONS")
                    ? null : Verdict.reject(400, "asterisk-form target with a method other than OPTIONS");
        }
        if (matchesIgnoreCase(head, from, Math.min(to, from + 7), "http://")
                || matchesIgnoreCase(head, from, Math.min(to, from + 8), "https://")) {
            return null;
        }
        return Verdict.reject(400, "request target is neither origin-form nor absolute-form");
    }

    private Verdict fields(byte[] head, int from, int end, boolean http10) {
        int count = 0;
        int hosts = 0;
        String contentLength = null;
        String transferEncoding = null;
        boolean upgrade = false;
        for (int line = from; line < end; ) {
            int lineEnd = indexOf(head, '\r', line, end);
            if (HttpSyntax.whitespace(head[line])) {
                return Verdict.reject(400, "obsolete line folding in header section");
            }
            if (++count > limits.maxHeaders()) {
                return Verdict.reject(431, "more than limits.maxHeaders " + limits.maxHeaders() + " header fields");
            }
            int colon = indexOf(head, ':', line, lineEnd);
            if (colon <= line) {
                return Verdict.reject(400, "header line without a field name and colon");
            }
            for (int i = line; i < colon; i++) {
                if (!HttpSyntax.tchar(head[i])) {
                    return Verdict.reject(400, "invalid character or whitespace in header field name");
                }
            }
            for (int i = colon + 1; i < lineEnd; i++) {
                if (!HttpSyntax.fieldValue(head[i])) {
                    return Verdict.reject(400, "control character in header field value");
                }
            }
            // Only the fields judged here become strings, and only their values: a head is judged on every request.
            if (matchesIgnoreCase(head, line, colon, "host")) {
                hosts++;
            } else if (matchesIgnoreCase(head, line, colon, "content-length")) {
                if (contentLength != null) {
                    return Verdict.reject(400, "repeated Content-Length");
                }
                contentLength = trimmedValue(head, colon + 1, lineEnd);
            } else if (matchesIgnoreCase(head, line, colon, "transfer-encoding")) {
                if (transferEncoding != null) {
                    return Verdict.reject(400, "repeated Transfer-Encoding");
                }
                transferEncoding = trimmedValue(head, colon + 1, lineEnd);
            } else if (matchesIgnoreCase(head, line, colon, "expect")) {
                if (!http10 && !trimmedValue(head, colon + 1, lineEnd).equalsIgnoreCase("100-continue")) {
                    return Verdict.reject(417, "unsupported expectation");
                }
            } else if (matchesIgnoreCase(head, line, colon, "upgrade")) {
                upgrade = true;
            }
            line = lineEnd + 2;
        }
        if (hosts > 1 || (hosts == 0 && !http10)) {
            return Verdict.reject(400, hosts == 0 ? "missing Host" : "repeated Host");
        }
        if (transferEncoding != null) {
            return transferCoding(transferEncoding, contentLength != null, http10, upgrade);
        }
        if (contentLength != null) {
            return length(contentLength, upgrade);
        }
        return upgrade ? new Verdict(new Head(Framing.NONE, 0, true), null) : Verdict.NO_BODY;
    }

    private static Verdict transferCoding(String value, boolean withLength, boolean http10, boolean upgrade) {
        if (withLength) {
            return Verdict.reject(400, "both Transfer-Encoding and Content-Length");
        }
        if (http10) {
            return Verdict.reject(400, "Transfer-Encoding in an HTTP/1.0 request");
        }
        int chunked = 0;
        boolean other = false;
        for (String coding : value.split(",", -1)) {
            String token = trim(coding);
            if (token.isEmpty() || !token.chars().allMatch(HttpSyntax::tchar)) {
                return Verdict.reject(400, "malformed Transfer-Encoding");
            }
            if (token.equalsIgnoreCase("chunked")) {
                chunked++;
            } else {
                other = true;
            }
        }
        if (chunked > 1) {
            return Verdict.reject(400, "chunked applied more than once");
        }
        if (other) {
            return Verdict.reject(501, "transfer coding other than chunked");
        }
        return new Verdict(new Head(Framing.CHUNKED, -1, upgrade), null);
    }

    private Verdict length(String value, boolean upgrade) {
        if (value.isEmpty() || value.length() > MAX_CONTENT_LENGTH_DIGITS || !value.chars().allMatch(Character::isDigit)
                || !value.chars().allMatch(c -> c < 128)) {
            return Verdict.reject(400, "Content-Length is not one decimal number");
        }
        long length = Long.parseLong(value);
        if (length > limits.maxBody()) {
            return Verdict.reject(413, "declared Content-Length exceeds limits.maxBody " + limits.maxBody());
        }
        return new Verdict(new Head(length == 0 ? Framing.NONE : Framing.LENGTH, length, upgrade), null);
    }

    private static String trim(String value) {
        int from = 0;
        int to = value.length();
        while (from < to && HttpSyntax.whitespace(value.charAt(from))) {
            from++;
        }
        while (to > from && HttpSyntax.whitespace(value.charAt(to - 1))) {
            to--;
        }
        return value.substring(from, to);
    }

    private static String trimmedValue(byte[] head, int from, int to) {
        return trim(ascii(head, from, to));
    }

    /** Whether {@code bytes[from, to)} is exactly {@code ascii}. */
    private static boolean matches(byte[] bytes, int from, int to, String ascii) {
        if (to - from != ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code bytes[from, to)} is {@code ascii}, ASCII letters compared without regard to case. */
    private static boolean matchesIgnoreCase(byte[] bytes, int from, int to, String ascii) {
        if (to - from != ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (lower(bytes[from + i]) != lower(ascii.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static int indexOf(byte[] bytes, int b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
