package io.gatehouse.proxy;

import io.undertow.client.ClientResponse;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;

/**
 * Checks a backend's response head before anything of it reaches the client (RFC 9112 §6). Undertow's client
 * resolves ambiguous framing its own way (the first Content-Length wins, chunked beats Content-Length, a coding
 * list other than plain {@code chunked} is read to the end of the connection) instead of refusing it; a gateway
 * that relayed such a response could frame it differently from the backend. So the forwarder answers 502 and
 * discards the connection when this finds a problem.
 */
final class ResponseFraming {

    private static final int MAX_LENGTH_DIGITS = 18;

    private ResponseFraming() {
    }

    /** What is wrong with {@code response}'s status line or framing, or {@code null} when nothing is. */
    static String problem(ClientResponse response) {
        int status = response.getResponseCode();
        if (status < 100 || status > 599) {
            return "invalid status " + status;
        }
        if (!Protocols.HTTP_1_1.equals(response.getProtocol()) && !Protocols.HTTP_1_0.equals(response.getProtocol())) {
            return "invalid protocol in status line";
        }
        HeaderMap headers = response.getResponseHeaders();
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
