package io.gatehouse.internal.proxy;

import io.gatehouse.internal.http.HttpSyntax;

import io.undertow.util.Headers;

/**
 * Checks a backend's response head before anything of it reaches the client (RFC 9112 §6). Framing that two
 * parsers could read two ways (Content-Length beside Transfer-Encoding, repeated or malformed lengths, a coding
 * list other than plain {@code chunked}) is refused, never resolved: a gateway that relayed such a response could
 * frame it differently from the backend. So the forwarder answers 502 and discards the connection when this finds
 * a problem.
 */
final class ResponseFraming {


    private ResponseFraming() {
    }

    /** What is wrong with {@code response}'s status or framing, or {@code null} when nothing is. */
    static String problem(ResponseHead response) {
        int status = response.status;
        if (status < 100 || status > 599) {
            return "invalid status " + status;
        }
        int lengths = response.count(Headers.CONTENT_LENGTH);
        int codings = response.count(Headers.TRANSFER_ENCODING);
        if (lengths > 0 && codings > 0) {
            return "Transfer-Encoding together with Content-Length";
        }
        if (lengths > 0 && (lengths != 1 || !HttpSyntax.contentLength(response.first(Headers.CONTENT_LENGTH)))) {
            return "invalid or repeated Content-Length";
        }
        if (codings > 0 && (codings != 1 || !Headers.CHUNKED.equalToString(response.first(Headers.TRANSFER_ENCODING).trim()))) {
            return "Transfer-Encoding other than chunked";
        }
        return null;
    }
}
