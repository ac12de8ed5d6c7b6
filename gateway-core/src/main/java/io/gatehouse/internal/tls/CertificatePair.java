package io.gatehouse.internal.tls;

import io.gatehouse.config.CertificateFiles;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A certificate chain and its private key, read from their files and checked as a TLS client would find them: the
 * key belongs to the first certificate (the leaf), each certificate is signed by the one after it, and every one of
 * them is valid now. Immutable; {@link #toString()} names the files and the leaf, never the key.
 */
public final class CertificatePair {

    private final CertificateFiles files;
    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final CertificateNames names;

    private CertificatePair(CertificateFiles files, List<X509Certificate> chain, PrivateKey key) {
        this.files = files;
        this.chain = List.copyOf(chain);
        this.key = key;
        this.names = CertificateNames.of(chain.get(0));
    }

    /**
     * Reads and checks the files of one certificate.
     *
     * @param files the chain's and the key's file
     * @param now   the time the chain must be valid at
     * @return the pair
     * @throws CertificateProblem the first thing wrong, naming the file at fault
     */
    public static CertificatePair read(CertificateFiles files, Instant now) {
        List<X509Certificate> chain = PemFiles.chain(files.cert());
        PrivateKey key = PemFiles.privateKey(files.key());
        if (!belongs(key, chain.get(0).getPublicKey())) {
            for (int i = 1; i < chain.size(); i++) {
                if (belongs(key, chain.get(i).getPublicKey())) {
                    throw new CertificateProblem(false, "the private key in " + files.key() + " belongs to certificate "
                            + (i + 1) + " of " + files.cert() + " (" + subject(chain.get(i)) + "); put that certificate"
                            + " first, then each issuer after the certificate it signed");
                }
            }
            throw new CertificateProblem(true, "the private key in " + files.key() + " does not belong to the"
                    + " certificate in " + files.cert() + " (" + subject(chain.get(0)) + ")");
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!signedBy(chain.get(i), chain.get(i + 1))) {
                throw new CertificateProblem(false, "certificate " + (i + 1) + " of " + files.cert() + " ("
                        + subject(chain.get(i)) + ") is not signed by certificate " + (i + 2) + " ("
                        + subject(chain.get(i + 1)) + "); list the leaf first, then each issuer after the certificate it"
                        + " signed, as certbot's fullchain.pem");
            }
        }
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String which = (i == 0 ? "the certificate in " : "certificate " + (i + 1) + " of ") + files.cert() + " ("
                    + subject(certificate) + ")";
            if (now.isAfter(certificate.getNotAfter().toInstant())) {
                throw new CertificateProblem(false, which + " expired on " + certificate.getNotAfter().toInstant()
                        + "; renew it");
            }
            if (now.isBefore(certificate.getNotBefore().toInstant())) {
                throw new CertificateProblem(false, which + " is not valid before " + certificate.getNotBefore().toInstant()
                        + "; check the clock, or wait");
            }
        }
        return new CertificatePair(files, chain, key);
    }

    /** @return the files it was read from */
    public CertificateFiles files() {
        return files;
    }

    /** @return the leaf certificate */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** @return the DNS names of the leaf */
    public CertificateNames names() {
        return names;
    }

    /** @return when the leaf expires; a chain's intermediates are renewed with it */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** @return the key's algorithm, as {@code X509ExtendedKeyManager} key types name it: {@code RSA} or {@code EC} */
    public String keyType() {
        return key.getAlgorithm();
    }

    List<X509Certificate> chain() {
        return chain;
    }

    PrivateKey key() {
        return key;
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: a key of another type or another pair does not. */
    private static boolean belongs(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    @Override
    public String toString() {
        return files.cert() + " (" + names + "; key " + files.key() + ")";
    }
}
