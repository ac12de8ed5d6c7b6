package io.gatehouse.internal.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CA certificates a PEM file holds (nginx {@code proxy_ssl_trusted_certificate}, HAProxy {@code ca-file}): one or
 * more {@code BEGIN CERTIFICATE} blocks, as in {@code /etc/ssl/certs/ca-certificates.crt} or a private CA's
 * {@code ca.pem}, read as {@link PemFiles} reads a chain. Text between the blocks (the {@code subject=} lines some
 * tools write) is skipped; any other PEM block (a private key) is ignored, not trusted.
 */
public final class TrustAnchors {

    private TrustAnchors() {
    }

    /**
     * Reads the certificates in {@code file}.
     *
     * @param file a PEM file
     * @return at least one certificate, in file order
     * @throws IllegalArgumentException saying what is wrong, for an operator: the file is missing, unreadable (a
     *                                  directory, too), holds no certificate, or a certificate block does not parse
     */
    public static List<X509Certificate> read(Path file) {
        List<X509Certificate> certificates;
        try {
            certificates = PemFiles.certificates(file);
        } catch (CertificateProblem e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PEM certificate; expected -----BEGIN CERTIFICATE----- blocks");
        }
        return certificates;
    }

    /**
     * A trust manager that trusts exactly the certificates in {@code file}, not the JVM's default CAs (as nginx's
     * {@code proxy_ssl_trusted_certificate} replaces the system store).
     *
     * @param file a PEM file, as {@link #read} takes it
     * @return the trust manager
     * @throws IllegalArgumentException as {@link #read} does
     */
    public static X509ExtendedTrustManager trusting(Path file) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            List<X509Certificate> certificates = read(file);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return trustManager(store);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the certificates in " + file + ": " + describe(e), e);
        }
    }

    /**
     * The JVM's default trust manager: its {@code cacerts} (on Debian and Ubuntu built from the system's CA bundle),
     * or the store {@code javax.net.ssl.trustStore} names.
     *
     * @return the trust manager
     * @throws IllegalStateException when the JVM has no usable default trust store
     */
    public static X509ExtendedTrustManager system() {
        try {
            return trustManager(null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM's default trust store cannot be used: " + describe(e), e);
        }
    }

    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (var manager : factory.getTrustManagers()) {
            // The JDK's PKIX manager is an extended one, which checks the host name the connection's parameters ask for.
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager that can check host names");
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
