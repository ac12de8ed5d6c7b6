package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One certificate: the PEM files of its chain and its private key, as certbot writes them ({@code fullchain.pem},
 * {@code privkey.pem}) and nginx's {@code ssl_certificate} / {@code ssl_certificate_key} take them. Only the paths:
 * the files are read when a configuration is loaded (to check them) and again each time a gateway starts or reloads,
 * so a renewed certificate is served after a reload.
 *
 * @param cert the certificate chain: the leaf first, then each intermediate that signed the one before it
 * @param key    the leaf's private key: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA or SEC1 EC, not encrypted
 * @param origin where its {@code cert} key was written, for warnings about the certificate; {@link Route.Origin#UNKNOWN}
 *               in code
 */
public record CertificateFiles(Path cert, Path key, Route.Origin origin) {

    /**
     * Checks both paths are given.
     *
     * @param cert   the chain's file
     * @param key    the private key's file
     * @param origin where {@code cert} was written
     * @throws NullPointerException naming the missing key
     */
    public CertificateFiles {
        RecordChecks.present(Keys.CERTIFICATE_CERT, cert);
        RecordChecks.present(Keys.CERTIFICATE_KEY, key);
        Objects.requireNonNull(origin, "origin");
    }

    /**
     * Whether {@code other} names the same files; where each was written does not matter, so the same files written
     * twice are read once.
     *
     * @param other any object
     * @return whether it is a {@code CertificateFiles} with an equal {@code cert} and {@code key}
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof CertificateFiles files && cert.equals(files.cert) && key.equals(files.key);
    }

    /** @return a hash of {@code cert} and {@code key} alone, as {@link #equals(Object)} compares */
    @Override
    public int hashCode() {
        return Objects.hash(cert, key);
    }

    /**
     * A certificate built in code ({@link Route.Origin#UNKNOWN}).
     *
     * @param cert the chain's file
     * @param key  the private key's file
     * @throws NullPointerException naming the missing key
     */
    public CertificateFiles(Path cert, Path key) {
        this(cert, key, Route.Origin.UNKNOWN);
    }
}
