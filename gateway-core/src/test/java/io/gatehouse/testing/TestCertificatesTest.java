package io.gatehouse.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test CA's files are what openssl and certbot write: a chain, leaf first, and a key in the form asked for. */
class TestCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void aLeafIsWrittenAsAChainAndAKeyInTheFormAskedFor() throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        TestCertificates.Issued ec = ca.issue("a.test").keyForm(TestCertificates.KeyForm.TRADITIONAL).write();
        TestCertificates.Issued rsa = ca.issue("*.b.test", "b.test").rsa().keyForm(TestCertificates.KeyForm.TRADITIONAL).write();
        TestCertificates.Issued pkcs8 = ca.issue("c.test").rsa().write();

        String chain = Files.readString(ec.certificate());
        assertEquals(2, chain.split("BEGIN CERTIFICATE").length - 1);
        assertTrue(chain.startsWith("-----BEGIN CERTIFICATE-----"), chain);
        assertTrue(Files.readString(ec.key()).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(rsa.key()).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(Files.readString(pkcs8.key()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(List.of(List.of(2, "*.b.test"), List.of(2, "b.test")), List.copyOf(rsa.leaf().getSubjectAlternativeNames()));
        rsa.leaf().verify(ca.ca().getPublicKey());
        assertEquals("_wildcard.b.test.pem", rsa.certificate().getFileName().toString());
    }
}
