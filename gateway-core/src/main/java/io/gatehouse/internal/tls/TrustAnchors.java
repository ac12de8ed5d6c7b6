package io.gatehouse.internal.tls;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CA certificates a PEM file holds (nginx {@code proxy_ssl_trusted_certificate}, HAProxy {@code ca-file}): one or
 * more {@code BEGIN CERTIFICATE} blocks, as in {@code /etc/ssl/certs/ca-certificates.crt} or a private CA's
 * {@code ca.pem}. Text between the blocks (the {@code subject=} lines some tools write) is skipped; any other PEM block
 * (a private key) is ignored, not trusted.
 */
public final class TrustAnchors {

    private TrustAnchors() {
    }

    /**
     * Reads the certificates in {@code file}.
     *
     * @param file a PEM file
     * @return at least one certificate, in file order
     * @throws IllegalArgumentException saying what is wrong, for an operator: the file is missing, unreadable, a
     *                                  directory, holds no certificate, or a certificate block does not parse
     */
    public static List<X509Certificate> read(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            Object block;
            while ((block = pem.readObject()) != null) {
                if (block instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read " + file + ": permission denied");
        } catch (IOException | CertificateException | RuntimeException e) {
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(file + " is a directory; give a PEM file of CA certificates");
            }
            throw new IllegalArgumentException("cannot read the certificates in " + file + ": " + describe(e));
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
