package io.gatehouse.internal.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * {@link PemFiles} for the files the JDK cannot read alone: PKCS#1 RSA and SEC1 EC keys, encrypted keys (to refuse
 * them), blocks of other kinds, and every malformed file, whose problem Bouncy Castle's PEMParser names. Only this
 * class touches Bouncy Castle, so its classes stay unloaded while no such file is read. Stateless.
 */
final class BouncyCastlePem {

    private BouncyCastlePem() {
    }

    /** As {@link PemFiles#certificates}. */
    static List<X509Certificate> certificates(Path file) {
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
        return chain;
    }

    /** As {@link PemFiles#privateKey}. */
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
                throw PemFiles.moreThanOneKey(file);
            }
            key = found;
        }
        if (key == null) {
            throw PemFiles.noKey(file);
        }
        if (!PemFiles.KEY_ALGORITHMS.contains(key.getAlgorithm())) {
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
        } catch (IOException e) {
            throw PemFiles.unreadable(file, keyFile, e);
        } catch (RuntimeException e) {
            throw PemFiles.notPem(file, keyFile, e);
        }
        return blocks;
    }
}
