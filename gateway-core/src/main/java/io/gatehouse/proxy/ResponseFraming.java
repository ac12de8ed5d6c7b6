package io.gatehouse.proxy;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

/**
 * Checks a backend's response head before anything of it reaches the client (RFC 9112 §6). Framing that two
 * parsers could read two ways (Content-Length beside Transfer-Encoding, repeated or malformed lengths, a coding
 * list other than plain {@code chunked}) is refused, never resolved: a gateway that relayed such a response could
 * frame it differently from the backend. So the forwarder answers 502 and discards the connection when this finds
 * a problem.
 */
final class ResponseFraming {

    private static final int MAX_LENGTH_DIGITS = 18;

    private ResponseFraming() {
    }

    /** What is wrong with {@code response}'s status or framing, or {@code null} when nothing is. */
    static String problem(ResponseHead response) {
        int status = response.status;
        if (status < 100 || status > 599) {
            return "invalid status " + status;
        }
        HeaderMap headers = response.headers;
        HeaderValues length = headers.get(Headers.CONTENT_LENGTH);
        HeaderValues coding = headers.get(Headers.TRANSFER_ENCODING);
        if (length != null && coding != null) {
            return "Transfer-Encoding together with Content-Length";
        }
        if (length != null && (length.size() != 1 || !isLength(length.getFirst()))) {
            return "invalid or repeated Content-Length";
        }
        if (coding != null && (coding.size() != 1 || !Headers.CHUNKED.equalToString(coding.getFirst().trim()))) {
            return "Transfer-Encoding other than chunked";
        }
        return null;
    }

    private static boolean isLength(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH_DIGITS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
