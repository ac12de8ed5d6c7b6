package io.gatehouse.proxy;

import io.undertow.client.ClientConnection;
import org.xnio.IoUtils;

import java.io.IOException;

/**
 * Closes a backend connection without finishing the request on it. {@link ClientConnection#close()} closes
 * "cleanly": it shuts down writes first, and Undertow's chunked request encoder answers that by writing the last
 * chunk (or, when no body byte was sent yet, by rewriting the head to {@code Content-Length: 0}), which turns a
 * request the client never finished into a complete, well-formed one for the backend. Detaching the raw socket
 * first and closing that sends nothing more: the backend sees a truncated request, which it must discard.
 */
final class AbortiveClose {

    private AbortiveClose() {
    }

    static void close(ClientConnection connection) {
        if (connection == null) {
            return;
        }
        try {
            IoUtils.safeClose(connection.performUpgrade());
        } catch (IOException e) {
            // Already closed or closing: nothing more can be sent on it.
        }
        IoUtils.safeClose(connection);
    }
}
