package io.gatehouse.internal.proxy;

import io.gatehouse.internal.forwarded.ClientAddress;
import io.gatehouse.internal.vhosts.RequestHost;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The CGI/1.1 variables (RFC 3875 §4.1) of a request run through FastCGI, as lighttpd's {@code http_cgi.c} sets
 * them for {@code mod_fastcgi}, encoded as FastCGI name-value pairs for {@code FCGI_PARAMS}:
 * <ul>
 *   <li>the script, from {@link FastCgiScript}: {@code SCRIPT_FILENAME}, {@code SCRIPT_NAME}, {@code PATH_INFO} and
 *       {@code PATH_TRANSLATED} (document root + path info) only when there is path info, {@code DOCUMENT_ROOT};</li>
 *   <li>the request: {@code REQUEST_METHOD}, {@code REQUEST_URI} (the client's own target, path and query, as it
 *       sent them), {@code QUERY_STRING} (always, empty when none), {@code SERVER_PROTOCOL}, {@code REQUEST_SCHEME},
 *       {@code CONTENT_TYPE} when the request has one, {@code CONTENT_LENGTH} (0 without a body; unset only for a
 *       chunked body, whose length is not known), {@code REDIRECT_STATUS=200} (php-cgi's
 *       {@code cgi.force_redirect} wants it);</li>
 *   <li>the connection: {@code SERVER_NAME} (the routed host), {@code SERVER_ADDR} and {@code SERVER_PORT} (the
 *       listener's socket), {@code REMOTE_ADDR} (the client after trusted proxies, {@link ClientAddress}) and
 *       {@code REMOTE_PORT} (the peer's port, only when the client is the peer), {@code HTTPS=on} on TLS only,
 *       {@code GATEWAY_INTERFACE=CGI/1.1}, {@code SERVER_SOFTWARE=Gatehouse};</li>
 *   <li>each request header as {@code HTTP_NAME} (upper case, {@code -} as {@code _}; repeated fields joined with
 *       {@code ", "}, cookies with {@code "; "}), except Content-Type and Content-Length (above) and {@code Proxy},
 *       never passed ({@code HTTP_PROXY} is the httpoxy hole: CGI libraries read it as their outgoing proxy). A
 *       header whose name has anything but letters, digits and {@code -} is skipped, so that no two client headers
 *       can land in one variable ({@code X-User} and {@code X_User} would both be {@code HTTP_X_USER}).</li>
 * </ul>
 */
final class CgiParams {

    private static final HttpString PROXY = new HttpString("Proxy");
    private static final String SOFTWARE = "Gatehouse";
    private static final String HTTP_ = "HTTP_";

    /** Where the pairs go; when they do not fit, {@link #encode} starts again with a larger one. */
    private final ByteBuffer out;

    private CgiParams(ByteBuffer into) {
        this.out = into;
    }

    /**
     * Puts the encoded name-value pairs of {@code exchange}'s request running {@code script} into {@code into}, from
     * its position on: into a new heap buffer, with the same bytes before that position, when they do not fit
     * there (a request with headers larger than the buffer).
     *
     * @param bodyLength the request body's length, -1 when unknown (chunked), 0 when none
     * @return the buffer holding them, {@code into} or the larger one, positioned after the last pair
     */
    static ByteBuffer encode(HttpServerExchange exchange, FastCgiScript script, long bodyLength, ByteBuffer into) {
        int start = into.position();
        for (ByteBuffer out = into; ; out = larger(out, start)) {
            try {
                new CgiParams(out).pairs(exchange, script, bodyLength);
                return out;
            } catch (BufferOverflowException e) {
                // rare (headers over the buffer's size): encoded again into twice the room
            }
        }
    }

    /** A heap buffer twice the size of {@code full}, holding its first {@code start} bytes, positioned after them. */
    private static ByteBuffer larger(ByteBuffer full, int start) {
        ByteBuffer larger = ByteBuffer.allocate(2 * full.capacity());
        return larger.put(full.clear().limit(start)).position(start);
    }

    private void pairs(HttpServerExchange exchange, FastCgiScript script, long bodyLength) {
        put("GATEWAY_INTERFACE", "CGI/1.1");
        put("SERVER_SOFTWARE", SOFTWARE);
        put("SERVER_PROTOCOL", exchange.getProtocol().toString());
        put("REQUEST_METHOD", exchange.getRequestMethod().toString());
        putRaw("REQUEST_URI", RequestHead.clientTarget(exchange));
        putRaw("QUERY_STRING", exchange.getQueryString());
        put("SCRIPT_FILENAME", script.filename());
        put("SCRIPT_NAME", script.name());
        if (!script.pathInfo().isEmpty()) {
            put("PATH_INFO", script.pathInfo());
            put("PATH_TRANSLATED", script.documentRoot() + script.pathInfo());
        }
        put("DOCUMENT_ROOT", script.documentRoot());
        put("REDIRECT_STATUS", "200");
        put("SERVER_NAME", RequestHost.of(exchange));
        InetSocketAddress local = exchange.getConnection().getLocalAddress(InetSocketAddress.class);
        if (local != null) {
            put("SERVER_ADDR", ClientAddress.text(local.getAddress()));
            put("SERVER_PORT", Integer.toString(local.getPort()));
        }
        String client = ClientAddress.clientText(exchange);
        if (client != null) {
            put("REMOTE_ADDR", client);
        }
        InetAddress peer = ClientAddress.peer(exchange);
        InetSocketAddress peerSocket = exchange.getConnection().getPeerAddress(InetSocketAddress.class);
        if (peer != null && peer.equals(ClientAddress.of(exchange)) && peerSocket != null) {
            put("REMOTE_PORT", Integer.toString(peerSocket.getPort()));
        }
        put("REQUEST_SCHEME", exchange.getRequestScheme());
        if ("https".equals(exchange.getRequestScheme())) {
            put("HTTPS", "on");
        }
        HeaderMap headers = exchange.getRequestHeaders();
        // 0 for a request without a body, as lighttpd sends it; unset only for a chunked body of unknown length.
        if (bodyLength >= 0) {
            put("CONTENT_LENGTH", Long.toString(bodyLength));
        }
        String contentType = headers.getFirst(Headers.CONTENT_TYPE);
        if (contentType != null) {
            putRaw("CONTENT_TYPE", contentType);
        }
        // Walked with the map's cookies: its iterator is an object per walk.
        for (long cookie = headers.fastIterateNonEmpty(); cookie != -1L; cookie = headers.fiNextNonEmpty(cookie)) {
            HeaderValues values = headers.fiCurrent(cookie);
            HttpString name = values.getHeaderName();
            if (!name.equals(Headers.CONTENT_TYPE) && !name.equals(Headers.CONTENT_LENGTH) && !name.equals(PROXY)
                    && isVariable(name)) {
                header(name, values.size() == 1 ? values.getFirst()
                        : String.join(name.equals(Headers.COOKIE) ? "; " : ", ", values));
            }
        }
    }

    /** Whether {@code name} has only letters, digits and {@code -}, so that its variable is its own. */
    private static boolean isVariable(HttpString name) {
        for (int i = 0; i < name.length(); i++) {
            byte c = name.byteAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@code HTTP_} and the name in upper case with {@code -} as {@code _}, and the value as the client sent it. */
    private void header(HttpString name, String value) {
        length(HTTP_.length() + name.length());
        length(value.length());
        latin1(HTTP_);
        for (int i = 0; i < name.length(); i++) {
            byte c = name.byteAt(i);
            out.put(c == '-' ? (byte) '_' : c >= 'a' && c <= 'z' ? (byte) (c - 'a' + 'A') : c);
        }
        latin1(value);
    }

    /** A decoded path (Undertow decodes URLs as UTF-8), or ASCII text: sent as UTF-8. */
    private void put(String name, String value) {
        if (isAscii(value)) {
            putRaw(name, value);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        length(name.length());
        length(bytes.length);
        latin1(name);
        out.put(bytes);
    }

    /**
     * One pair of bytes as the client sent them (a raw target, a header value: one char per byte), sent as they
     * came; each length in one byte below 128, else in four with the top bit set (FastCGI 1.0 §3.4).
     */
    private void putRaw(String name, String value) {
        length(name.length());
        length(value.length());
        latin1(name);
        latin1(value);
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Text of one char per byte (ASCII, or ISO-8859-1 as the client sent it), each char as its byte. */
    private void latin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            out.put((byte) text.charAt(i));
        }
    }

    private void length(int length) {
        if (length < 128) {
            out.put((byte) length);
        } else {
            out.putInt(length | 0x80000000);
        }
    }
}
