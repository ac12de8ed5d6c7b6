package io.gatehouse.internal.tls;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DelegateOpenListener;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.ssl.SslConnection;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;

/**
 * ALPN on a TLS listener: which protocol a connection speaks, chosen during its handshake, and the hand-over to that
 * protocol's open listener once the handshake is done, the client's Finished checked. The JDK knows the protocol
 * earlier, once it has answered the client hello, and Undertow's ALPN listener handed over then; that left the rest
 * of the handshake to the protocol's listener, so a client that stopped before its Finished escaped the handshake
 * deadline, and a failure in its last flight reached the protocol's reader instead of the handshake's one line.
 *
 * <p>The choice ({@link #SELECTOR}): {@code h2} when the client offers it and the handshake allows HTTP/2 (TLS 1.3,
 * or a TLS 1.2 suite with ephemeral keys and an AEAD cipher, RFC 9113 §9.2.2), else {@code http/1.1} when offered,
 * and a client that offers no ALPN gets HTTP/1.1 too, as does one offering only protocols Gatehouse does not speak
 * (the handshake goes on without ALPN, as HAProxy and Apache httpd do; nginx and Undertow's own ALPN send the
 * {@code no_application_protocol} alert, which the JDK cannot deliver once a TLS 1.3 handshake has chosen: it
 * chooses the protocol after its server hello). Undertow's own ALPN listener is not used:
 * it offers {@code h2} only to clients that also offer one TLS 1.2 suite
 * ({@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}), so a client restricted to TLS 1.3 got HTTP/1.1, and a
 * {@code tls.ciphers} without that suite turned HTTP/2 off; and it parses every client hello again to narrow the
 * suites.
 *
 * <p>Not thread-safe per connection: one listener per connection, on its IO thread.
 */
final class ProtocolChoice implements ChannelListener<StreamSourceChannel> {

    private static final Logger LOG = System.getLogger(ProtocolChoice.class.getPackageName());
    static final String H2 = "h2";
    static final String HTTP_1_1 = "http/1.1";

    /** Set on each server engine before its handshake: see the class comment. */
    static final BiFunction<SSLEngine, List<String>, String> SELECTOR = (engine, offered) -> {
        if (offered.contains(H2) && allowsHttp2(engine.getHandshakeSession())) {
            return H2;
        }
        // "": none of the client's protocols is spoken here, so no ALPN, and HTTP/1.1 (see the class comment).
        return offered.contains(HTTP_1_1) ? HTTP_1_1 : "";
    };

    private final SslConnection connection;
    private final SSLEngine engine;
    private final ByteBufferPool buffers;
    private final DelegateOpenListener http1;
    private final DelegateOpenListener http2;
    /** The engine has finished the handshake (Undertow's handshake listener said so). */
    private boolean handshakeDone;
    /** Handed over or closed: later calls have nothing to do. */
    private boolean over;

    private ProtocolChoice(SslConnection connection, ByteBufferPool buffers, DelegateOpenListener http1,
                           DelegateOpenListener http2) {
        this.connection = connection;
        this.engine = UndertowXnioSsl.getSslConduit(connection).getSSLEngine();
        this.buffers = buffers;
        this.http1 = http1;
        this.http2 = http2;
    }

    /**
     * Lets {@code connection}'s handshake choose its protocol, and reads it until the handshake is done; then hands
     * it, with the decrypted bytes read so far, to {@code http2} or {@code http1}. A connection that ends first is
     * closed, as is one where choosing or handing over fails unexpectedly (one DEBUG line).
     *
     * @param connection a TLS connection whose handshake has not begun
     * @param buffers    where the first decrypted bytes are read into
     * @param http1      takes the connections that speak HTTP/1.1
     * @param http2      takes the connections that chose {@code h2}
     */
    static void start(SslConnection connection, ByteBufferPool buffers, DelegateOpenListener http1,
                      DelegateOpenListener http2) {
        new ProtocolChoice(connection, buffers, http1, http2).begin();
    }

    private void begin() {
        try {
            // The JDK's engine takes a selector; SSLEngine itself refuses one.
            engine.setHandshakeApplicationProtocolSelector(SELECTOR);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        connection.getHandshakeSetter().set(tls -> handshakeDone());
        StreamSourceChannel source = connection.getSourceChannel();
        source.getReadSetter().set(this);
        handleEvent(source);
    }

    /**
     * Told from inside the TLS conduit's unwrap or wrap, whose state a protocol's listener reading and writing from
     * here would corrupt: the hand-over runs once the conduit has returned. A client that sends nothing after its
     * Finished is handed over all the same, to wait for its first request under the protocol's own timeouts.
     */
    private void handshakeDone() {
        handshakeDone = true;
        try {
            connection.getIoThread().execute(() -> handleEvent(connection.getSourceChannel()));
        } catch (RejectedExecutionException e) {
            // The worker is stopping, and its connections with it.
            close();
        }
    }

    /** Reads until the handshake is done, then hands the connection over. */
    @Override
    public void handleEvent(StreamSourceChannel source) {
        if (over) {
            return;
        }
        PooledByteBuffer pooled = buffers.allocate();
        boolean handedOn = false;
        try {
            int read = source.read(pooled.getBuffer());
            if (read < 0) {
                close();
                return;
            }
            // Decrypted bytes come only once the handshake is done: the JDK has no early data.
            if (read == 0 && !handshakeDone) {
                source.resumeReads();
                return;
            }
            // "" when the client offered no ALPN, or none spoken here (see SELECTOR).
            String chosen = engine.getApplicationProtocol();
            pooled.getBuffer().flip();
            over = true;
            // The protocol's open listener sets its own reader, and reads on from the bytes handed to it.
            source.getReadSetter().set(null);
            connection.getHandshakeSetter().set(null);
            handedOn = true;
            (H2.equals(chosen) ? http2 : http1).handleEvent(connection, pooled);
        } catch (IOException e) {
            // The handshake's watch under this channel has logged it; nothing more to say.
            close();
        } catch (RuntimeException e) {
            // A bug here or in a protocol's listener: unclosed, the connection would hang, its deadline perhaps off.
            failed(e);
        } finally {
            if (!handedOn) {
                pooled.close();
            }
        }
    }

    /** One line, no stack trace: the exception's class and message say enough to find it. */
    private void failed(RuntimeException e) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, connection.getPeerAddress() + ": TLS connection closed, choosing its protocol failed: "
                    + e);
        }
        close();
    }

    private void close() {
        over = true;
        IoUtils.safeClose(connection);
    }

    /**
     * HTTP/2 needs TLS 1.2 or later, and over TLS 1.2 a suite with an ephemeral key exchange and an AEAD cipher
     * (RFC 9113 §9.2.2; RFC 7540's Appendix A lists the others). Every TLS 1.3 suite qualifies.
     */
    static boolean allowsHttp2(SSLSession handshake) {
        if (handshake == null) {
            return false;
        }
        if ("TLSv1.3".equals(handshake.getProtocol())) {
            return true;
        }
        String suite = handshake.getCipherSuite();
        boolean ephemeral = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_") || suite.endsWith("_CCM")
                || suite.endsWith("_CCM_8");
        return "TLSv1.2".equals(handshake.getProtocol()) && ephemeral && aead;
    }
}
