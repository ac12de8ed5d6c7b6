package io.gatehouse.internal.proxy;

import io.gatehouse.internal.forwarded.ClientAddress;
import io.gatehouse.internal.vhosts.RequestHost;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);

    private CgiParams() {
    }

    /**
     * The encoded name-value pairs of {@code exchange}'s request running {@code script}.
     *
     * @param bodyLength the request body's length, -1 when unknown (chunked), 0 when none
     */
    static byte[] of(HttpServerExchange exchange, FastCgiScript script, long bodyLength) {
        CgiParams params = new CgiParams();
        params.put("GATEWAY_INTERFACE", "CGI/1.1");
        params.put("SERVER_SOFTWARE", SOFTWARE);
        params.put("SERVER_PROTOCOL", exchange.getProtocol().toString());
        params.put("REQUEST_METHOD", exchange.getRequestMethod().toString());
        params.putRaw("REQUEST_URI", RequestHead.clientTarget(exchange));
        params.putRaw("QUERY_STRING", exchange.getQueryString());
        params.put("SCRIPT_FILENAME", script.filename());
        params.put("SCRIPT_NAME", script.name());
        if (!script.pathInfo().isEmpty()) {
            params.put("PATH_INFO", script.pathInfo());
            params.put("PATH_TRANSLATED", script.documentRoot() + script.pathInfo());
        }
        params.put("DOCUMENT_ROOT", script.documentRoot());
        params.put("REDIRECT_STATUS", "200");
        params.put("SERVER_NAME", RequestHost.of(exchange));
        InetSocketAddress local = exchange.getConnection().getLocalAddress(InetSocketAddress.class);
        if (local != null) {
            params.put("SERVER_ADDR", ClientAddress.text(local.getAddress()));
            params.put("SERVER_PORT", Integer.toString(local.getPort()));
        }
        String client = ClientAddress.clientText(exchange);
        if (client != null) {
            params.put("REMOTE_ADDR", client);
        }
        InetAddress peer = ClientAddress.peer(exchange);
        InetSocketAddress peerSocket = exchange.getConnection().getPeerAddress(InetSocketAddress.class);
        if (peer != null && peer.equals(ClientAddress.of(exchange)) && peerSocket != null) {
            params.put("REMOTE_PORT", Integer.toString(peerSocket.getPort()));
        }
        params.put("REQUEST_SCHEME", exchange.getRequestScheme());
        if ("https".equals(exchange.getRequestScheme())) {
            params.put("HTTPS", "on");
        }
        HeaderMap headers = exchange.getRequestHeaders();
        // 0 for a request without a body, as lighttpd sends it; unset only for a chunked body of unknown length.
        if (bodyLength >= 0) {
            params.put("CONTENT_LENGTH", Long.toString(bodyLength));
        }
        String contentType = headers.getFirst(Headers.CONTENT_TYPE);
        if (contentType != null) {
            params.putRaw("CONTENT_TYPE", contentType);
        }
        for (HeaderValues values : headers) {
            HttpString name = values.getHeaderName();
            if (name.equals(Headers.CONTENT_TYPE) || name.equals(Headers.CONTENT_LENGTH) || name.equals(PROXY)) {
                continue;
            }
            String variable = variable(name);
            if (variable != null) {
                params.putRaw(variable, String.join(name.equals(Headers.COOKIE) ? "; " : ", ", values));
            }
        }
        return params.out.toByteArray();
    }

    /** {@code HTTP_} and the name in upper case with {@code -} as {@code _}; null for a name with anything else. */
    static String variable(HttpString name) {
        StringBuilder variable = new StringBuilder(5 + name.length()).append("HTTP_");
        for (int i = 0; i < name.length(); i++) {
            char c = (char) (name.byteAt(i) & 0xff);
            if (c >= 'a' && c <= 'z') {
                variable.append((char) (c - 'a' + 'A'));
            } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                variable.append(c);
            } else if (c == '-') {
                variable.append('_');
            } else {
                return null;
            }
        }
        return variable.toString();
    }

    /** A decoded path (Undertow decodes URLs as UTF-8), or ASCII text: sent as UTF-8. */
    private void put(String name, String value) {
        pair(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes as the client sent them (a raw target, a header value: one char per byte), sent as they came. */
    private void putRaw(String name, String value) {
        pair(name, value.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** One pair: each length in one byte below 128, else in four with the top bit set (FastCGI 1.0 §3.4). */
    private void pair(String name, byte[] v) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        length(n.length);
        length(v.length);
        out.write(n, 0, n.length);
        out.write(v, 0, v.length);
    }

    private void length(int length) {
        if (length < 128) {
            out.write(length);
        } else {
            out.write((length >>> 24) | 0x80);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
    }
}
