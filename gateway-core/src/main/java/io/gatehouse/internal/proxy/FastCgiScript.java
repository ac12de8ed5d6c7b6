package io.gatehouse.internal.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

import java.util.Objects;

/**
 * The script a request runs through FastCGI, as the file server resolved it: what the CGI variables that name the
 * script say ({@code SCRIPT_FILENAME}, {@code SCRIPT_NAME}, {@code PATH_INFO}, {@code PATH_TRANSLATED},
 * {@code DOCUMENT_ROOT}). The file server attaches it to the exchange before handing the request to a FastCGI
 * proxy ({@link ReverseProxy#fastCgi}); a request that reaches that proxy without one is answered 500, never sent.
 *
 * @param filename     the script's real path, checked by the file server's path policy ({@code SCRIPT_FILENAME})
 * @param name         the URL path of the script, decoded ({@code SCRIPT_NAME})
 * @param pathInfo     the decoded rest of the URL path after the script, or empty ({@code PATH_INFO})
 * @param documentRoot the real path of the document root the request resolved to ({@code DOCUMENT_ROOT})
 */
public record FastCgiScript(String filename, String name, String pathInfo, String documentRoot) {

    private static final AttachmentKey<FastCgiScript> KEY = AttachmentKey.create(FastCgiScript.class);

    /**
     * Checks every part is given.
     *
     * @param filename     the script's real path
     * @param name         its URL path
     * @param pathInfo     the path after it, or empty
     * @param documentRoot the document root's real path
     * @throws NullPointerException when a part is null
     */
    public FastCgiScript {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pathInfo, "pathInfo");
        Objects.requireNonNull(documentRoot, "documentRoot");
    }

    /**
     * Says {@code exchange} runs this script.
     *
     * @param exchange the request, about to go to a FastCGI proxy
     */
    public void attachTo(HttpServerExchange exchange) {
        exchange.putAttachment(KEY, this);
    }

    /** The script {@code exchange} runs, or null when no file server named one. */
    static FastCgiScript of(HttpServerExchange exchange) {
        return exchange.getAttachment(KEY);
    }
}
