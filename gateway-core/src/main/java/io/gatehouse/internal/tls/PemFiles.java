package io.gatehouse.internal.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files certbot and openssl write: certificate chains ({@code BEGIN CERTIFICATE} blocks) and private
 * keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}, with or without the {@code EC PARAMETERS} block {@code openssl ecparam} writes
 * before it). Bouncy Castle parses them (the JDK reads only PKCS#8); the keys come out as the JDK's own. Blocks of
 * the other kind are skipped, so one file may hold both, as HAProxy's {@code crt} files do. Stateless.
 */
final class PemFiles {

    private PemFiles() {
    }

    /**
     * The certificates of {@code file}, in file order.
     *
     * @throws CertificateProblem naming the file when it cannot be read or holds no certificate
     */
    static List<X509Certificate> chain(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object block : blocks(file, false)) {
            if (block instanceof X509CertificateHolder holder) {
                try {
                    chain.add(converter.getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new CertificateProblem(false, "certificate " + (chain.size() + 1) + " in " + file
                            + " cannot be read: " + e.getMessage());
                }
            }
        }
        if (chain.isEmpty()) {
            throw new CertificateProblem(false, file + " holds no certificate (a -----BEGIN CERTIFICATE----- block);"
                    + " give the PEM chain, like certbot's fullchain.pem");
        }
        return chain;
    }

    /**
     * The one private key of {@code file}.
     *
     * @throws CertificateProblem naming the file when it cannot be read, holds no key or more than one, an
     *                            encrypted key, or a key that is neither RSA nor EC
     */
    static PrivateKey privateKey(Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey key = null;
        for (Object block : blocks(file, true)) {
            if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new CertificateProblem(true, "the private key in " + file + " is encrypted; the gateway starts"
                        + " unattended, so give it unencrypted (openssl pkey -in ENCRYPTED -out " + file.getFileName()
                        + ") and make the file readable by the gateway's user only");
            }
            PrivateKey found;
            try {
                if (block instanceof PrivateKeyInfo info) {
                    found = converter.getPrivateKey(info);
                } else if (block instanceof PEMKeyPair pair) {
                    // The private part alone: a SEC1 key may leave its public key out.
                    found = converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else {
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                // Bouncy Castle's messages name the structure, never the key's bytes.
                throw new CertificateProblem(true, "the private key in " + file + " cannot be read: " + e.getMessage());
            }
            if (key != null) {
                throw new CertificateProblem(true, file + " holds more than one private key; give one key per file");
            }
            key = found;
        }
        if (key == null) {
            throw new CertificateProblem(true, file + " holds no private key (a -----BEGIN PRIVATE KEY-----, BEGIN RSA"
                    + " PRIVATE KEY or BEGIN EC PRIVATE KEY block); give the key, like certbot's privkey.pem");
        }
        if (!key.getAlgorithm().equals("RSA") && !key.getAlgorithm().equals("EC")) {
            throw new CertificateProblem(true, "the private key in " + file + " is " + key.getAlgorithm()
                    + "; give an RSA or EC (ECDSA) key");
        }
        return key;
    }

    /** Every PEM block of {@code file}, parsed. */
    private static List<Object> blocks(Path file, boolean keyFile) {
        List<Object> blocks = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                blocks.add(block);
            }
        } catch (NoSuchFileException e) {
            throw new CertificateProblem(keyFile, "no such file: " + file);
        } catch (AccessDeniedException e) {
            throw new CertificateProblem(keyFile, "cannot read " + file + ": permission denied (the gateway's user needs"
                    + " read access)");
        } catch (IOException | RuntimeException e) {
            throw new CertificateProblem(keyFile, "cannot read " + file + " as PEM: " + e.getMessage());
        }
        return blocks;
    }
}
