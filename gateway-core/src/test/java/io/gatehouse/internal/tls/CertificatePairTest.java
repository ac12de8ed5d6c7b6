package io.gatehouse.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.CertificateFiles;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import io.gatehouse.testing.TestCertificates.KeyForm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate's files as certbot and openssl write them are read; what a client would refuse, or what cannot be
 * read, is a problem naming the file at fault and never showing the key.
 */
class CertificatePairTest {

    @TempDir
    Path dir;

    private TestCertificates ca;

    @BeforeEach
    void createCa() {
        ca = TestCertificates.create(dir);
    }

    private static CertificatePair read(Issued issued) {
        return CertificatePair.read(new CertificateFiles(issued.certificate(), issued.key()), Instant.now());
    }

    private static CertificateProblem problem(Path cert, Path key) {
        return assertThrows(CertificateProblem.class, () -> CertificatePair.read(new CertificateFiles(cert, key), Instant.now()));
    }

    @Test
    void readsAnEcChainWithAPkcs8Key() {
        Issued a = ca.issue("a.test").ec().keyForm(KeyForm.PKCS8).write();
        CertificatePair pair = read(a);
        assertEquals(a.leaf(), pair.leaf());
        assertEquals(List.of(a.leaf(), ca.ca()), pair.chain());
        assertEquals(a.privateKey(), pair.key());
        assertEquals("EC", pair.keyType());
        assertEquals(List.of("a.test"), pair.names().names());
    }

    @Test
    void readsAnRsaKeyInPkcs1Form() throws IOException {
        Issued a = ca.issue("a.test").rsa().keyForm(KeyForm.TRADITIONAL).write();
        assertTrue(Files.readString(a.key()).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        CertificatePair pair = read(a);
        assertEquals("RSA", pair.keyType());
        assertEquals(a.privateKey(), pair.key());
    }

    @Test
    void readsAnEcKeyInSec1FormEvenAfterTheEcParametersBlock() throws IOException {
        Issued a = ca.issue("a.test").ec().keyForm(KeyForm.TRADITIONAL).write();
        String sec1 = Files.readString(a.key());
        assertTrue(sec1.startsWith("-----BEGIN EC PRIVATE KEY-----"));
        // What 'openssl ecparam -genkey -name prime256v1' writes: the curve's parameters, then the key.
        Files.writeString(a.key(), "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + sec1);
        assertEquals(((ECPrivateKey) a.privateKey()).getS(), ((ECPrivateKey) read(a).key()).getS());
    }

    @Test
    void oneFileMayHoldTheChainAndTheKey() throws IOException {
        Issued a = ca.issue("a.test").write();
        Path both = dir.resolve("both.pem");
        Files.writeString(both, Files.readString(a.certificate()) + Files.readString(a.key()));
        CertificatePair pair = CertificatePair.read(new CertificateFiles(both, both), Instant.now());
        assertEquals(a.leaf(), pair.leaf());
        assertEquals(a.privateKey(), pair.key());
    }

    @Test
    void aKeyOfAnotherCertificateIsAProblemOfTheKeyFile() {
        Issued a = ca.issue("a.test").write();
        Issued b = ca.issue("b.test").write();
        CertificateProblem problem = problem(a.certificate(), b.key());
        assertTrue(problem.inKeyFile());
        assertEquals("the private key in " + b.key() + " does not belong to the certificate in " + a.certificate()
                + " (CN=a.test)", problem.getMessage());
    }

    @Test
    void aChainWithTheLeafNotFirstIsAProblemOfTheCertFile() throws IOException {
        Issued a = ca.issue("a.test").leafOnly().write();
        Files.writeString(a.certificate(), TestCertificates.pem(ca.ca()) + TestCertificates.pem(a.leaf()));
        CertificateProblem problem = problem(a.certificate(), a.key());
        assertFalse(problem.inKeyFile());
        assertTrue(problem.getMessage().startsWith("the private key in " + a.key() + " belongs to certificate 2 of "
                + a.certificate() + " (CN=a.test); put that certificate first"), problem.getMessage());
    }

    @Test
    void aChainWhoseNextCertificateIsNotTheIssuerIsAProblem() throws IOException {
        Issued a = ca.issue("a.test").leafOnly().write();
        TestCertificates other = TestCertificates.create(Files.createDirectory(dir.resolve("other")));
        Files.writeString(a.certificate(), TestCertificates.pem(a.leaf()) + TestCertificates.pem(other.ca()));
        CertificateProblem problem = problem(a.certificate(), a.key());
        assertFalse(problem.inKeyFile());
        assertTrue(problem.getMessage().startsWith("certificate 1 of " + a.certificate() + " (CN=a.test) is not signed by"
                + " certificate 2 (" + other.ca().getSubjectX500Principal().getName() + "); list the leaf first"),
                problem.getMessage());
    }

    @Test
    void anExpiredCertificateIsAProblem() {
        Instant expired = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Issued a = ca.issue("a.test").validity(expired.minus(Duration.ofDays(90)), expired).write();
        CertificateProblem problem = problem(a.certificate(), a.key());
        assertEquals("the certificate in " + a.certificate() + " (CN=a.test) expired on " + expired + "; renew it",
                problem.getMessage());
    }

    @Test
    void aCertificateNotYetValidIsAProblem() {
        Instant later = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Issued a = ca.issue("a.test").validity(later, later.plus(Duration.ofDays(90))).write();
        assertEquals("the certificate in " + a.certificate() + " (CN=a.test) is not valid before " + later
                + "; check the clock, or wait", problem(a.certificate(), a.key()).getMessage());
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheCommandThatDecryptsIt() throws IOException, GeneralSecurityException {
        Issued a = ca.issue("a.test").write();
        // An encrypted PKCS#8 key, as 'openssl pkcs8 -topk8' writes (with PBES1 here, which this JDK encodes).
        Cipher cipher = Cipher.getInstance("PBEWithSHA1AndDESede");
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance("PBEWithSHA1AndDESede")
                .generateSecret(new PBEKeySpec("secret".toCharArray())), new PBEParameterSpec(new byte[8], 10_000));
        byte[] encrypted = new EncryptedPrivateKeyInfo(cipher.getParameters(), cipher.doFinal(a.privateKey().getEncoded()))
                .getEncoded();
        Files.writeString(a.key(), "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encrypted) + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
        CertificateProblem problem = problem(a.certificate(), a.key());
        assertTrue(problem.inKeyFile());
        assertTrue(problem.getMessage().startsWith("the private key in " + a.key() + " is encrypted;"), problem.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Issued a = ca.issue("a.test").write();
        Path missing = dir.resolve("missing.key");
        CertificateProblem problem = problem(a.certificate(), missing);
        assertTrue(problem.inKeyFile());
        assertEquals("no such file: " + missing, problem.getMessage());
    }

    @Test
    void aKeyGivenAsCertIsAProblemOfTheCertFile() {
        Issued a = ca.issue("a.test").write();
        CertificateProblem problem = problem(a.key(), a.key());
        assertFalse(problem.inKeyFile());
        assertTrue(problem.getMessage().startsWith(a.key() + " holds no certificate"), problem.getMessage());
    }

    @Test
    void noProblemShowsTheKey() throws IOException {
        Issued a = ca.issue("a.test").rsa().keyForm(KeyForm.TRADITIONAL).write();
        String key = Files.readString(a.key());
        // A key file damaged in its middle: whatever the parser says about it, the key's text stays out.
        String body = key.substring(key.indexOf('\n') + 1, key.lastIndexOf("-----END"));
        Files.writeString(a.key(), key.replace(body.substring(40, 120), "!!!!" + body.substring(44, 120)));
        CertificateProblem problem = problem(a.certificate(), a.key());
        String encoded = Base64.getEncoder().encodeToString(a.privateKey().getEncoded());
        for (int i = 0; i + 16 <= body.length(); i += 16) {
            String piece = body.substring(i, i + 16);
            assertFalse(problem.getMessage().contains(piece.strip()) && !piece.isBlank(), problem.getMessage());
        }
        assertFalse(problem.getMessage().contains(encoded.substring(20, 40)));
    }
}
