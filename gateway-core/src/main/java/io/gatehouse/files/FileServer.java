package io.gatehouse.files;

import io.gatehouse.config.FilesConfig;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Serves a vhost's local files. TODO(files helper): replace this stub.
 */
public final class FileServer implements HttpHandler {

    private FileServer() {
    }

    public static FileServer create(FilesConfig files) {
        return new FileServer();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        throw new UnsupportedOperationException("TODO(files helper)");
    }
}
