package io.gatehouse.internal.tls;

import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.config.VirtualHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;

/**
 * The server side of TLS for one configuration: its certificates, read from their files when it is
 * {@linkplain #load loaded}, an {@link SSLContext} whose key manager chooses among them per handshake by SNI
 * ({@link SniKeyManager}), and the protocols and cipher suites its engines enable. A reload loads a new one, so new
 * connections get renewed certificates while open ones keep theirs. Immutable and thread-safe.
 */
public final class ServerTls {

    /** Sessions kept for resumption by session id; see {@link #boundSessionCache}. */
    private static final int SESSION_CACHE_SIZE = 100;
    /** How long a session, and a ticket, may be resumed. */
    private static final int SESSION_TIMEOUT_SECONDS = 300;

    private final SSLContext context;
    private final List<CertificatePair> certificates;
    private final String[] protocols;
    private final String[] cipherSuites;

    private ServerTls(SSLContext context, List<CertificatePair> certificates, TlsConfig config) {
        this.context = context;
        this.certificates = List.copyOf(certificates);
        this.protocols = config.protocols().toArray(String[]::new);
        this.cipherSuites = TlsParameters.enabledSuites(config.ciphers());
    }

    /**
     * Reads every certificate of {@code config} and of the vhosts' {@code tls.certificate}, checks each (see
     * {@link CertificatePair#read}) and builds the context.
     *
     * @param config the top-level {@code tls}
     * @param vhosts the vhosts served on the TLS listener: their own certificates are presented to the names their
     *               hosts match (when two pin one host pattern, the first wins)
     * @return the server's TLS, ready for connections
     * @throws UncheckedIOException with a message naming the file, when a certificate cannot be read or is not valid
     *                              (a configuration checked by {@code GatewayConfig.load} has none, unless its files
     *                              changed since)
     */
    public static ServerTls load(TlsConfig config, List<VirtualHost> vhosts) {
        return load(config, vhosts, new HashMap<>(), Instant.now());
    }

    /**
     * The TLS of each of {@code config}'s {@code tls} listeners, each presenting the certificates of the vhosts bound
     * to it (a vhost's own certificate on another listener is not offered there); each file is read once.
     *
     * @param config a validated configuration
     * @return each tls listener's TLS, in the order of {@link GatewayConfig#allListeners()}; empty without any
     * @throws UncheckedIOException as {@link #load(TlsConfig, List)}
     */
    public static Map<ListenAddress, ServerTls> forListeners(GatewayConfig config) {
        Map<CertificateFiles, CertificatePair> read = new HashMap<>();
        Instant now = Instant.now();
        Map<ListenAddress, ServerTls> byListener = new LinkedHashMap<>();
        for (ListenAddress listener : config.allListeners()) {
            if (listener.tls()) {
                List<VirtualHost> bound = config.vhosts().stream()
                        .filter(vhost -> config.listenersOf(vhost).contains(listener)).toList();
                byListener.put(listener, load(config.tls(), bound, read, now));
            }
        }
        return byListener;
    }

    private static ServerTls load(TlsConfig config, List<VirtualHost> vhosts, Map<CertificateFiles, CertificatePair> read,
                                  Instant now) {
        try {
            List<CertificatePair> listed = new ArrayList<>();
            for (CertificateFiles files : config.certificates()) {
                listed.add(read(files, read, now));
            }
            List<SniKeyManager.Pin> pins = new ArrayList<>();
            List<CertificatePair> all = new ArrayList<>(listed);
            for (VirtualHost vhost : vhosts) {
                Optional<CertificateFiles> own = vhost.tls().certificate();
                Optional<CertificatePair> pair = own.isPresent() ? Optional.of(read(own.get(), read, now)) : Optional.empty();
                pair.ifPresent(all::add);
                pins.add(new SniKeyManager.Pin(pair, vhost.hosts()));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SniKeyManager(listed, pins)}, NoClientCertificates.trustManagers(), null);
            boundSessionCache(context.getServerSessionContext());
            return new ServerTls(context, all, config);
        } catch (CertificateProblem e) {
            throw new UncheckedIOException(e.getMessage(), new IOException(e.getMessage(), e));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java cannot make a TLS context", e);
        }
    }

    /**
     * The JDK keeps every session of a server context for 24 hours, up to 20,480 of them, about 7 KiB of heap each
     * (its certificates, secrets and ticket state): a burst of new connections filled the heap with them, and 20,480
     * would not even fit in the launcher's 128 MiB. The JDK resumes TLS 1.3 and ticket-capable TLS 1.2 clients from
     * the ticket alone, so the cache serves only TLS 1.2 clients resuming by session id, which nginx does not serve
     * at all by default: the last hundred of them (a thousand held 7 MiB more live heap), for nginx's
     * {@code ssl_session_timeout} default of 5 minutes, which also bounds how long a ticket is valid.
     */
    private static void boundSessionCache(SSLSessionContext sessions) {
        sessions.setSessionCacheSize(SESSION_CACHE_SIZE);
        sessions.setSessionTimeout(SESSION_TIMEOUT_SECONDS);
    }

    private static CertificatePair read(CertificateFiles files, Map<CertificateFiles, CertificatePair> read, Instant now) {
        CertificatePair pair = read.get(files);
        if (pair == null) {
            pair = CertificatePair.read(files, now);
            read.put(files, pair);
        }
        return pair;
    }

    /** @return the context to make server engines with; they choose their certificate by SNI */
    public SSLContext context() {
        return context;
    }

    /**
     * What a server engine should enable: the protocols, the JDK's TLS 1.3 suites then {@code tls.ciphers}, and the
     * server's order of the suites rather than the client's (as nginx's {@code ssl_prefer_server_ciphers on}).
     *
     * @return a new parameters object the caller may add to (ALPN)
     */
    public SSLParameters parameters() {
        SSLParameters parameters = new SSLParameters(cipherSuites.clone(), protocols.clone());
        parameters.setUseCipherSuitesOrder(true);
        return parameters;
    }

    /** @return the protocol versions to enable, as {@code tls.protocols} lists them */
    public String[] protocols() {
        return protocols.clone();
    }

    /** @return the cipher suites to enable: the JDK's TLS 1.3 suites, then {@code tls.ciphers} in order */
    public String[] cipherSuites() {
        return cipherSuites.clone();
    }

    /** @return every certificate as read: the top-level ones in order, then the vhosts' own */
    public List<CertificatePair> certificates() {
        return certificates;
    }
}
