package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.internal.http.HttpSyntax;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Judges the header list of an HTTP/2 request, decoded but before Undertow builds an exchange of it, for what the
 * downgrade to HTTP/1.1 must never carry: anything that would let the backend read a request other than the one
 * Gatehouse routed and checked. What Undertow's own HTTP/2 parser refuses (upper-case or non-token names, unknown
 * pseudo-headers, a pseudo-header after a regular field, {@code transfer-encoding}, a {@code te} other than
 * {@code trailers}, a missing or repeated {@code :method}, {@code :scheme} or {@code :path}) is not repeated here.
 *
 * <p>Two kinds of outcome. {@link #malformed} names what RFC 9113 section 8.1.1 calls a malformed request: the
 * stream is reset with {@code PROTOCOL_ERROR}. {@link #refused} is a verdict the client gets as a response, as it
 * would over HTTP/1.1 ({@link Http2Guard}).
 *
 * <p>A reason names the rule, never what the request sent: the refusal log counts repeats by it.
 */
final class Http2HeadCheck {

    private static final HttpString KEEP_ALIVE = new HttpString("keep-alive");
    private static final HttpString PROXY_CONNECTION = new HttpString("proxy-connection");
    private static final HttpString[] CONNECTION_SPECIFIC = {Headers.CONNECTION, KEEP_ALIVE, PROXY_CONNECTION,
            Headers.TRANSFER_ENCODING, Headers.UPGRADE};
    private static final HttpString[] PSEUDO = {Http2Channel.METHOD, Http2Channel.SCHEME, Http2Channel.AUTHORITY,
            Http2Channel.PATH};

    private Http2HeadCheck() {
    }

    /** What makes {@code headers} malformed, or null. */
    static String malformed(HeaderMap headers) {
        for (HttpString name : CONNECTION_SPECIFIC) {
            if (headers.contains(name)) {
                return "connection-specific header field";
            }
        }
        HeaderValues te = headers.get(Headers.TE);
        if (te != null && (te.size() != 1 || !te.getFirst().equalsIgnoreCase("trailers"))) {
            return "te other than trailers";
        }
        for (HttpString pseudo : PSEUDO) {
            if (headers.count(pseudo) > 1) {
                return "repeated pseudo-header";
            }
        }
        String method = headers.getFirst(Http2Channel.METHOD);
        if ("CONNECT".equals(method)) {
            return "CONNECT is not supported";
        }
        String path = headers.getFirst(Http2Channel.PATH);
        if (path != null && !path.startsWith("/") && !(path.equals("*") && "OPTIONS".equals(method))) {
            return ":path not in origin form";
        }
        String scheme = headers.getFirst(Http2Channel.SCHEME);
        if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
            return ":scheme other than http or https";
        }
        for (HeaderValues field : headers) {
            for (int i = 0; i < field.size(); i++) {
                String problem = badValue(field.get(i));
                if (problem != null) {
                    return problem;
                }
            }
        }
        HeaderValues length = headers.get(Headers.CONTENT_LENGTH);
        if (length != null && (length.size() != 1 || !HttpSyntax.contentLength(length.getFirst()))) {
            return "content-length not one decimal number";
        }
        if (!headers.contains(Http2Channel.AUTHORITY) && !headers.contains(Headers.HOST)) {
            return "neither :authority nor host";
        }
        return null;
    }

    /**
     * Readies a well-formed {@code headers} for the HTTP/1.1 hop: a lone {@code host} becomes the {@code :authority}
     * (RFC 9113 section 8.3.1 lets a client send either, and Undertow makes the exchange's {@code Host} from
     * {@code :authority} alone); {@code cookie} fields, which HTTP/2 may split one per crumb, become one, joined with
     * {@code "; "} (section 8.2.3), as many backends read a single Cookie line.
     */
    static void forHttp11(HeaderMap headers) {
        HeaderValues host = headers.get(Headers.HOST);
        if (!headers.contains(Http2Channel.AUTHORITY) && host != null && host.size() == 1) {
            headers.put(Http2Channel.AUTHORITY, host.getFirst());
        }
        HeaderValues cookies = headers.get(Headers.COOKIE);
        if (cookies != null && cookies.size() > 1) {
            headers.put(Headers.COOKIE, String.join("; ", cookies));
        }
    }

    /**
     * The response a well-formed {@code headers} gets instead of being served, or null: 400 for a {@code host}
     * that names another host than {@code :authority} or is repeated, 413 for a {@code content-length} above
     * {@code limits.maxBody}, 417 for an expectation other than {@code 100-continue}; as over HTTP/1.1.
     */
    static Rejection refused(HeaderMap headers, Limits limits) {
        HeaderValues host = headers.get(Headers.HOST);
        if (host != null) {
            if (host.size() > 1) {
                return Rejection.of(400, "repeated Host");
            }
            if (!host.getFirst().equalsIgnoreCase(headers.getFirst(Http2Channel.AUTHORITY))) {
                return Rejection.of(400, "Host disagrees with :authority");
            }
        }
        String length = headers.getFirst(Headers.CONTENT_LENGTH);
        if (length != null && Long.parseLong(length) > limits.maxBody()) {
            return Rejection.of(413, "Content-Length above limits.maxBody " + limits.maxBody());
        }
        String expect = headers.getFirst(Headers.EXPECT);
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            return Rejection.of(417, "unsupported expectation");
        }
        return null;
    }

    /** Why a field value could not go into an HTTP/1.1 head as it is, or null. */
    private static String badValue(String value) {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c > 0xff || !HttpSyntax.fieldValue(c)) {
                return "control character in a header value";
            }
        }
        if (length > 0 && (HttpSyntax.whitespace(value.charAt(0)) || HttpSyntax.whitespace(value.charAt(length - 1)))) {
            return "whitespace around a header value";
        }
        return null;
    }
}
