package io.gatehouse.internal.proxy;

import io.gatehouse.internal.http.ProxyTarget;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.nio.ByteBuffer;

/**
 * The request head Gatehouse sends a backend: the exchange's method, the chosen origin-form target, HTTP/1.1, and
 * the exchange's headers as the handlers before left them (hop-by-hop ones already removed), with Host replaced
 * when asked and {@code Transfer-Encoding: chunked} added for a body of unknown length.
 *
 * <p>Every character is written as one byte: header values come from Undertow's parser (ISO-8859-1, no CR or LF)
 * or from Gatehouse's own handlers.
 */
final class RequestHead {

    private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final String CHUNKED = Headers.CHUNKED.toString();

    private RequestHead() {
    }

    /**
     * The origin-form target: the one a route chose ({@link ProxyTarget}), else the raw path and query as received,
     * without an absolute-form scheme and authority.
     *
     * @param exchange the client's request
     * @return the target to send: the route's, or the client's path and query
     */
    static String originForm(HttpServerExchange exchange) {
        String chosen = ProxyTarget.of(exchange);
        return chosen != null ? chosen : clientTarget(exchange);
    }

    /**
     * The client's own target, path and query, in origin form whatever form it came in.
     *
     * @param exchange the client's request
     * @return its path and query as sent, never a route's
     */
    static String clientTarget(HttpServerExchange exchange) {
        String target = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int authority = target.indexOf("//");
            int path = authority < 0 ? -1 : target.indexOf('/', authority + 2);
            target = path < 0 ? "/" : target.substring(path);
        }
        String mountedAt = exchange.getResolvedPath();
        if (!mountedAt.isEmpty()) {
            target = belowMountPoint(target, mountedAt);
        }
        String query = exchange.getQueryString();
        return query == null || query.isEmpty() ? target : target + '?' + query;
    }

    /**
     * The part of {@code target} (as the client sent it, still encoded) below the prefix an application's path
     * handler resolved ({@code mountedAt}, decoded), so that a gateway mounted under {@code /orders} sends the
     * backend what its routes and files see, {@code /42} for {@code /orders/42}. A prefix the client wrote encoded
     * ({@code /ord%65rs}) is skipped by its number of segments.
     */
    private static String belowMountPoint(String target, String mountedAt) {
        String below;
        if (target.startsWith(mountedAt)) {
            below = target.substring(mountedAt.length());
        } else {
            int end = 0;
            for (int segments = mountedAt.split("/", -1).length - 1; segments > 0 && end >= 0; segments--) {
                end = target.indexOf('/', end + 1);
            }
            below = end < 0 ? "" : target.substring(end);
        }
        return below.isEmpty() ? "/" : below;
    }

    /**
     * The head in {@code into} (flipped, ready to write) when it fits there, else in a new buffer of its size.
     *
     * @param host    the Host value to send instead of the client's, or null to keep the client's
     * @param chunked add {@code Transfer-Encoding: chunked}
     */
    static ByteBuffer encode(HttpServerExchange exchange, String target, String host, boolean chunked, ByteBuffer into) {
        HeaderMap headers = exchange.getRequestHeaders();
        String method = exchange.getRequestMethod().toString();
        int size = method.length() + 1 + target.length() + VERSION.length + 2;
        // Walked with the map's cookies: its iterator is an object per walk, and this runs twice per request.
        for (long cookie = headers.fastIterateNonEmpty(); cookie != -1L; cookie = headers.fiNextNonEmpty(cookie)) {
            HeaderValues values = headers.fiCurrent(cookie);
            if (host != null && values.getHeaderName().equals(Headers.HOST)) {
                continue;
            }
            for (int i = 0; i < values.size(); i++) {
                size += values.getHeaderName().length() + 4 + values.get(i).length();
            }
        }
        if (host != null) {
            size += Headers.HOST.length() + 4 + host.length();
        }
        if (chunked) {
            size += Headers.TRANSFER_ENCODING.length() + 4 + CHUNKED.length();
        }
        ByteBuffer out = size <= into.capacity() ? into.clear() : ByteBuffer.allocate(size);
        ascii(out, method);
        out.put((byte) ' ');
        ascii(out, target);
        out.put(VERSION);
        for (long cookie = headers.fastIterateNonEmpty(); cookie != -1L; cookie = headers.fiNextNonEmpty(cookie)) {
            HeaderValues values = headers.fiCurrent(cookie);
            if (host != null && values.getHeaderName().equals(Headers.HOST)) {
                continue;
            }
            for (int i = 0; i < values.size(); i++) {
                field(out, values.getHeaderName(), values.get(i));
            }
        }
        if (host != null) {
            field(out, Headers.HOST, host);
        }
        if (chunked) {
            field(out, Headers.TRANSFER_ENCODING, CHUNKED);
        }
        out.put((byte) '\r').put((byte) '\n');
        return out.flip();
    }

    private static void field(ByteBuffer out, HttpString name, String value) {
        name.appendTo(out);
        out.put((byte) ':').put((byte) ' ');
        ascii(out, value);
        out.put((byte) '\r').put((byte) '\n');
    }

    private static void ascii(ByteBuffer out, String text) {
        for (int i = 0; i < text.length(); i++) {
            out.put((byte) text.charAt(i));
        }
    }
}
