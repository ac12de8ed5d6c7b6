package io.gatehouse.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the PEM files certbot and openssl write: certificate chains ({@code BEGIN CERTIFICATE} blocks) and private
 * keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}, with or without the {@code EC PARAMETERS} block {@code openssl ecparam} writes
 * before it). Blocks of the other kind are skipped, so one file may hold both, as HAProxy's {@code crt} files do.
 * Stateless.
 *
 * <p>The JDK reads a file of certificates and PKCS#8 RSA or EC keys, the forms certbot and {@code openssl req} write.
 * Any other file, and any file the JDK cannot read, goes to {@link BouncyCastlePem} whole: it reads the other forms,
 * and names what is wrong with a malformed file. Its classes (about 160) then stay in metaspace for the life of the
 * JVM, so they are loaded only for a file that needs them.
 */
final class PemFiles {

    /** The key algorithms a TLS listener takes, the JDK's names; Bouncy Castle's reader holds keys to them too. */
    static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC");

    private PemFiles() {
    }

    /**
     * The certificates of {@code file}, in file order.
     *
     * @throws CertificateProblem naming the file when it cannot be read or holds no certificate
     */
    static List<X509Certificate> chain(Path file) {
        List<X509Certificate> chain = certificates(file);
        if (chain.isEmpty()) {
            throw new CertificateProblem(false, file + " holds no certificate (a -----BEGIN CERTIFICATE----- block);"
                    + " give the PEM chain, like certbot's fullchain.pem");
        }
        return chain;
    }

    /**
     * The certificates of {@code file}, in file order; none when it holds none.
     *
     * @throws CertificateProblem naming the file when it cannot be read
     */
    static List<X509Certificate> certificates(Path file) {
        return readByJdk(file, false).map(read -> only(X509Certificate.class, read))
                .orElseGet(() -> BouncyCastlePem.certificates(file));
    }

    /**
     * The one private key of {@code file}.
     *
     * @throws CertificateProblem naming the file when it cannot be read, holds no key or more than one, an
     *                            encrypted key, or a key that is neither RSA nor EC
     */
    static PrivateKey privateKey(Path file) {
        Optional<List<PrivateKey>> read = readByJdk(file, true).map(blocks -> only(PrivateKey.class, blocks));
        if (read.isEmpty()) {
            return BouncyCastlePem.privateKey(file);
        }
        List<PrivateKey> keys = read.get();
        if (keys.isEmpty()) {
            throw noKey(file);
        }
        if (keys.size() > 1) {
            throw moreThanOneKey(file);
        }
        return keys.get(0);
    }

    static CertificateProblem noKey(Path file) {
        return new CertificateProblem(true, file + " holds no private key (a -----BEGIN PRIVATE KEY-----, BEGIN RSA"
                + " PRIVATE KEY or BEGIN EC PRIVATE KEY block); give the key, like certbot's privkey.pem");
    }

    static CertificateProblem moreThanOneKey(Path file) {
        return new CertificateProblem(true, file + " holds more than one private key; give one key per file");
    }

    /** The problem of a file that could not be read at all. */
    static CertificateProblem unreadable(Path file, boolean keyFile, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new CertificateProblem(keyFile, "no such file: " + file);
        }
        if (e instanceof AccessDeniedException) {
            return new CertificateProblem(keyFile, "cannot read " + file + ": permission denied (the gateway's user"
                    + " needs read access)");
        }
        return notPem(file, keyFile, e);
    }

    static CertificateProblem notPem(Path file, boolean keyFile, Exception e) {
        return new CertificateProblem(keyFile, "cannot read " + file + " as PEM: " + e.getMessage());
    }

    /**
     * Every block of {@code file} as the JDK reads it (certificates and keys), or empty when one is of another kind
     * or does not parse.
     */
    private static Optional<List<Object>> readByJdk(Path file, boolean keyFile) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw unreadable(file, keyFile, e);
        }
        Optional<List<PemBlocks.Block>> blocks = PemBlocks.split(text);
        if (blocks.isEmpty()) {
            return Optional.empty();
        }
        List<Object> read = new ArrayList<>();
        for (PemBlocks.Block block : blocks.get()) {
            Optional<?> object = block.hasHeaders() ? Optional.empty() : switch (block.type()) {
                case "CERTIFICATE" -> certificate(block.der());
                case "PRIVATE KEY" -> pkcs8Key(block.der());
                default -> Optional.empty();
            };
            if (object.isEmpty()) {
                return Optional.empty();
            }
            read.add(object.get());
        }
        return Optional.of(read);
    }

    private static Optional<X509Certificate> certificate(byte[] der) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            // The factory stops after the certificate; bytes after it, which Bouncy Castle refuses, go there.
            return Arrays.equals(certificate.getEncoded(), der) ? Optional.of(certificate) : Optional.empty();
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** An RSA or EC key; not one of another algorithm, whose problem Bouncy Castle names as it always has. */
    private static Optional<PrivateKey> pkcs8Key(byte[] der) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                if (key.getAlgorithm().equals(algorithm)) {
                    return Optional.of(key);
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                // Not of this algorithm, or not a key: the next, or Bouncy Castle.
            }
        }
        return Optional.empty();
    }

    private static <T> List<T> only(Class<T> kind, List<Object> objects) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
