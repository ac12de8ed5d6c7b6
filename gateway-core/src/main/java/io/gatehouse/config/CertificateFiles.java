package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.nio.file.Path;

/**
 * One certificate: the PEM files of its chain and its private key, as certbot writes them ({@code fullchain.pem},
 * {@code privkey.pem}) and nginx's {@code ssl_certificate} / {@code ssl_certificate_key} take them. Only the paths:
 * the files are read when a configuration is loaded (to check them) and again each time a gateway starts or reloads,
 * so a renewed certificate is served after a reload.
 *
 * @param cert the certificate chain: the leaf first, then each intermediate that signed the one before it
 * @param key  the leaf's private key: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA or SEC1 EC, not encrypted
 */
public record CertificateFiles(Path cert, Path key) {

    /**
     * Checks both paths are given.
     *
     * @param cert the chain's file
     * @param key  the private key's file
     * @throws NullPointerException naming the missing key
     */
    public CertificateFiles {
        RecordChecks.present(Keys.CERTIFICATE_CERT, cert);
        RecordChecks.present(Keys.CERTIFICATE_KEY, key);
    }
}
