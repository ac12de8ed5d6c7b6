package io.gatehouse.internal.tls;

import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The accepting side of a TLS listener, from the accepted socket to Undertow's HTTP/2 or HTTP/1.1 connection:
 * <ol>
 *   <li>The first bytes are read before any TLS: a TLS handshake goes on; a plain HTTP request (an ASCII method) is
 *       answered {@code 400} "The plain HTTP request was sent to HTTPS port", as nginx answers, and closed; anything
 *       else is closed.</li>
 *   <li>The handshake, with the {@link HandshakeSettings} of the configuration current at accept, and ALPN
 *       ({@link ProtocolChoice}): {@code h2} preferred, {@code http/1.1} otherwise and when the client offers no
 *       ALPN.</li>
 *   <li>{@code h2}: the listener's HTTP/2 open listener takes the connection. {@code http/1.1}: the listener's
 *       framing checks go on the decrypted connection ({@code framing}), exactly as on a plain listener, then the
 *       listener's HTTP/1.1 open listener takes it.</li>
 * </ol>
 * Until its handshake is done (the client's Finished checked), a connection has {@code handshakeTimeout} (from
 * accept) to get there, and is then closed. A failed handshake (a client that does not trust the certificate, a
 * protocol or cipher mismatch, a reset) is one DEBUG line on the {@code io.gatehouse.internal.tls} logger with the
 * peer and the reason, never a stack trace; Undertow never sees the failure.
 *
 * <p>Thread-safe: one per listener, called on the accept thread for each connection; each connection's steps then
 * run on its IO thread.
 */
public final class TlsFrontDoor {

    private final ByteBufferPool buffers;
    private final DelegateOpenListener http1;
    private final DelegateOpenListener http2;
    /** Accepted, handshake not done yet: closed by {@link #closeConnections()}, as Undertow closes its own. */
    private final Set<TlsHandshake> handshaking = ConcurrentHashMap.newKeySet();

    /**
     * Public for {@code io.gatehouse}, which builds the listeners.
     *
     * @param buffers the listener's I/O buffers
     * @param http1   the listener's HTTP/1.1 open listener, whose root handler guards its requests
     * @param framing puts the listener's framing checks under a connection's read side; called on the decrypted
     *                connection before {@code http1} sees it
     * @param http2   the listener's HTTP/2 open listener, given connections with the bytes ALPN read (the start of
     *                the client preface)
     */
    public TlsFrontDoor(ByteBufferPool buffers, HttpOpenListener http1, Consumer<StreamConnection> framing,
                        DelegateOpenListener http2) {
        this.buffers = buffers;
        this.http1 = new AfterHandshake(http1, framing);
        this.http2 = new AfterHandshake(http2, null);
    }

    /**
     * Takes a connection just accepted: reads its first bytes, then handshakes with {@code settings}.
     *
     * @param connection       the accepted socket, nothing read from it
     * @param settings         the certificates, protocols and ciphers of the configuration current now
     * @param handshakeTimeout how long the client has, from now, to complete the handshake
     */
    public void accept(StreamConnection connection, HandshakeSettings settings, Duration handshakeTimeout) {
        TlsHandshake handshake = new TlsHandshake(connection, settings, buffers, http1, http2, handshaking::remove);
        handshaking.add(handshake);
        handshake.start(handshakeTimeout);
    }

    /**
     * Closes the connections still handshaking; those past their handshake belong to the listener's HTTP/1.1 and
     * HTTP/2 open listeners, which close their own.
     */
    public void closeConnections() {
        for (TlsHandshake handshake : handshaking) {
            IoUtils.safeClose(handshake);
        }
    }
}
