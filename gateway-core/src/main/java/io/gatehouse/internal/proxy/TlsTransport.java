package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;
import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.tls.TlsParameters;
import io.gatehouse.internal.tls.TrustAnchors;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import org.xnio.FutureResult;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.ssl.SslConnection;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS to {@code https://} backends, over a {@link BackendPool#tcp} connection: TLS 1.3 or 1.2, no ALPN (the codec
 * speaks HTTP/1.1), SNI with the backend's configured host name (none for an IP address), and unless
 * {@code insecureSkipVerify} the certificate verified as nginx's {@code proxy_ssl_verify on} with
 * {@code proxy_ssl_name} left at its default does: its chain must lead to a trusted CA (the {@code ca} file's, else
 * the JVM's) and it must name the configured host (RFC 2818, the JDK's "HTTPS" endpoint identification). The Host
 * header sent is unaffected: the client's, or the backend's authority, as {@code preserveHost} says.
 *
 * <p>A connection is handed to the pool only once its handshake is complete, so the pool's {@code connectTimeout}
 * bounds the TCP connect and the handshake together; a failed handshake fails the open with one line of reason, like
 * "certificate verify failed for app.internal: ...". Thread-safe: one per proxy, shared by its https backends.
 */
final class TlsTransport {

    /** The versions the listeners accept by default: only these two are considered safe. */
    private static final String[] PROTOCOLS = TlsParameters.PROTOCOLS.toArray(String[]::new);

    private final SSLContext context;
    private final boolean verify;
    /**
     * Why the certificate of a connection being opened was refused. The refusal surfaces in the SSL conduit as a
     * closed connection (it is raised in a delegated task, after which the conduit just closes), so the trust manager
     * notes the reason here for the handshake to log. Weak keys: an entry not taken goes with its engine.
     */
    private final Map<SSLEngine, String> refusals = Collections.synchronizedMap(new WeakHashMap<>());
    /** Made on the first connection, from that connection's XNIO. */
    private volatile UndertowXnioSsl ssl;

    /** @param verifier checks the backends' certificates; null for none ({@code insecureSkipVerify}) */
    private TlsTransport(X509ExtendedTrustManager verifier) {
        this.verify = verifier != null;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new ServerTrust(verifier)}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The transport that verifies as {@code tls} says.
     *
     * @throws IllegalArgumentException when the {@code ca} file cannot be read (it was readable when the configuration
     *                                  was loaded)
     */
    static TlsTransport of(ProxyConfig.Tls tls) {
        try {
            return new TlsTransport(tls.insecureSkipVerify() ? null
                    : tls.ca().map(TrustAnchors::trusting).orElseGet(TrustAnchors::system));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Keys.BACKEND_TLS_CA.path() + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code backend} is reached through this transport. */
    static boolean serves(URI backend) {
        return "https".equals(backend.getScheme());
    }

    /** Opens connections to {@code backend} for its pool: TCP, then the TLS handshake. */
    BackendPool.Connector connector(URI backend) {
        BackendPool.Connector tcp = BackendPool.tcp(backend);
        return thread -> open(thread, tcp, backend);
    }

    private IoFuture<StreamConnection> open(XnioIoThread thread, BackendPool.Connector tcpConnector, URI backend) {
        FutureResult<StreamConnection> result = new FutureResult<>(thread);
        IoFuture<StreamConnection> tcp = tcpConnector.open(thread);
        // Cancelled at once, so that a connect that completes in the same turn is seen as given up on.
        result.addCancelHandler(() -> {
            tcp.cancel();
            result.setCancelled();
            return result.getIoFuture();
        });
        tcp.addNotifier((future, ignored) -> {
            switch (future.getStatus()) {
                case DONE -> {
                    StreamConnection connected = BackendPool.uncheckedGet(future);
                    if (result.getIoFuture().getStatus() == IoFuture.Status.CANCELLED) {
                        IoUtils.safeClose(connected);
                    } else {
                        handshake(connected, backend, result);
                    }
                }
                case FAILED -> result.setException(future.getException());
                default -> result.setCancelled();
            }
        }, null);
        return result.getIoFuture();
    }

    /**
     * TLS over {@code plain}, a blocking connection to {@code backend} (for the active health check), verified as
     * the pool's connections are; the handshake is done when it returns, within {@code plain}'s read timeout.
     *
     * @param plain   connected; the caller closes it when this fails
     * @param backend the backend it is connected to
     * @return the TLS socket, which closes {@code plain} when closed
     * @throws IOException saying why the handshake failed, like "certificate verify failed for app.internal: ..."
     */
    Socket handshake(Socket plain, URI backend) throws IOException {
        String host = hostName(backend);
        try {
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
            socket.setSSLParameters(parameters(socket.getSSLParameters(), host));
            socket.startHandshake();
            return socket;
        } catch (IOException e) {
            throw new IOException(reason(e, host), e);
        }
    }

    private void handshake(StreamConnection tcp, URI backend, FutureResult<StreamConnection> result) {
        String host = hostName(backend);
        SslConnection tls;
        try {
            tls = ssl(tcp).wrapExistingConnection(tcp, OptionMap.builder()
                    .set(Options.SSL_PEER_HOST_NAME, host)
                    .set(Options.SSL_PEER_PORT, BackendPool.port(backend))
                    .getMap());
            SSLEngine engine = UndertowXnioSsl.getSslEngine(tls);
            engine.setSSLParameters(parameters(engine.getSSLParameters(), host));
        } catch (RuntimeException e) {
            IoUtils.safeClose(tcp);
            result.setException(new IOException("TLS with " + host + " could not start: " + e.getMessage(), e));
            return;
        }
        new Handshake(tls, host, result, refusals).start();
    }

    private UndertowXnioSsl ssl(StreamConnection connection) {
        UndertowXnioSsl made = ssl;
        if (made == null) {
            // A race makes two, both equivalent: the SSLContext is what matters, and it is shared.
            made = new UndertowXnioSsl(connection.getWorker().getXnio(), OptionMap.EMPTY, context);
            ssl = made;
        }
        return made;
    }

    private SSLParameters parameters(SSLParameters parameters, String host) {
        parameters.setProtocols(PROTOCOLS);
        parameters.setEndpointIdentificationAlgorithm(verify ? "HTTPS" : null);
        parameters.setServerNames(serverNames(host));
        return parameters;
    }

    /** SNI: the host name; none for an IP address (RFC 6066 §3) or a name SNI cannot carry ({@code my_app}). */
    private static List<SNIServerName> serverNames(String host) {
        if (host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return List.of();
        }
        try {
            return List.of(new SNIHostName(host));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** The host as written in the backend's URI, without an IPv6 address's brackets. */
    private static String hostName(URI backend) {
        String host = backend.getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** One line for the log: "certificate verify failed for HOST: why", or what else ended the handshake. */
    static String reason(IOException e, String host) {
        boolean certificate = false;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            certificate |= cause instanceof CertificateException || cause instanceof CertPathValidatorException;
        }
        return (certificate ? "certificate verify failed for " + host : "TLS handshake with " + host + " failed") + ": " + rootMessage(e);
    }

    /** The message of the innermost cause, which says what was wrong without the layers' prefixes. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /**
     * Drives one client handshake on the connection's IO thread: reading is what moves the SSL conduit through the
     * handshake (it writes what the handshake needs on its own), and the handshake listener says when it is done.
     * Every callback runs on that IO thread.
     */
    private static final class Handshake {
        private final SslConnection tls;
        private final String host;
        private final FutureResult<StreamConnection> result;
        private final Map<SSLEngine, String> refusals;
        /** Application data never comes before the request; a byte read here ends the connection. */
        private final ByteBuffer probe = ByteBuffer.allocate(1);
        private boolean finished;

        Handshake(SslConnection tls, String host, FutureResult<StreamConnection> result, Map<SSLEngine, String> refusals) {
            this.tls = tls;
            this.host = host;
            this.result = result;
            this.refusals = refusals;
        }

        void start() {
            result.addCancelHandler(() -> {
                IoUtils.safeClose(tls);
                return result.getIoFuture();
            });
            ConduitStreamSourceChannel source = tls.getSourceChannel();
            tls.getHandshakeSetter().set(connection -> finished());
            source.getReadSetter().set(channel -> progress());
            try {
                tls.startHandshake();
                source.resumeReads();
            } catch (IOException e) {
                fail(reason(e, host));
            }
        }

        private void progress() {
            try {
                int read = tls.getSourceChannel().read(probe);
                if (read < 0) {
                    fail("TLS handshake with " + host + " failed: the backend closed the connection");
                } else if (read > 0) {
                    fail("TLS handshake with " + host + " failed: the backend sent data before any request");
                }
            } catch (IOException e) {
                fail(reason(e, host));
            }
        }

        private void finished() {
            if (finished) {
                return;
            }
            finished = true;
            refusals.remove(UndertowXnioSsl.getSslEngine(tls));
            ConduitStreamSourceChannel source = tls.getSourceChannel();
            source.getReadSetter().set(null);
            source.suspendReads();
            // This runs inside the SSL conduit's unwrap, and the pool writes the request on the connection as soon
            // as it has it: a write from in here corrupts the conduit's state (with TLS 1.2, whose handshake ends on
            // a read). The connection is handed over once the conduit has returned.
            try {
                tls.getIoThread().execute(() -> {
                    if (!result.setResult(tls)) {
                        IoUtils.safeClose(tls);
                    }
                });
            } catch (RejectedExecutionException e) {
                IoUtils.safeClose(tls);
                result.setException(new IOException("TLS handshake with " + host + " ended as the gateway stopped"));
            }
        }

        private void fail(String reason) {
            String refusal = refusals.remove(UndertowXnioSsl.getSslEngine(tls));
            IoUtils.safeClose(tls);
            if (!finished) {
                result.setException(new IOException(refusal == null ? reason : "certificate verify failed for " + host + ": " + refusal));
            }
        }
    }

    /**
     * Checks a backend's certificate with the JDK's verifier, noting why it refused one in {@link #refusals}; without
     * a verifier ({@code insecureSkipVerify}) accepts every certificate for every name. A backend connection never
     * has a client to check.
     */
    private final class ServerTrust extends X509ExtendedTrustManager {
        /** Null: verify nothing. */
        private final X509ExtendedTrustManager verifier;

        ServerTrust(X509ExtendedTrustManager verifier) {
            this.verifier = verifier;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            if (verifier == null) {
                return;
            }
            try {
                verifier.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                refusals.put(engine, rootMessage(e));
                throw e;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            if (verifier != null) {
                verifier.checkServerTrusted(chain, authType, socket);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (verifier != null) {
                verifier.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a backend connection has no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a backend connection has no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a backend connection has no client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return verifier == null ? new X509Certificate[0] : verifier.getAcceptedIssuers();
        }
    }
}
