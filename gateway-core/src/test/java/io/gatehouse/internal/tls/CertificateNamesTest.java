package io.gatehouse.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a certificate covers, as a browser decides before it reuses a connection for another name (RFC 6125). */
class CertificateNamesTest {

    @TempDir
    static Path dir;

    private static CertificateNames names(String... names) {
        return CertificateNames.of(TestCertificates.create(dir).issue(names).write().leaf());
    }

    @Test
    void anExactNameCoversItselfInAnyCaseAndWithATrailingDot() {
        CertificateNames a = names("a.test");
        assertTrue(a.covers("a.test"));
        assertTrue(a.covers("A.Test."));
        assertFalse(a.covers("b.a.test"));
        assertTrue(a.coversExactly("a.test"));
    }

    @Test
    void aWildcardCoversExactlyOneMoreLabel() {
        CertificateNames b = names("*.b.test");
        assertTrue(b.covers("x.b.test"));
        assertFalse(b.covers("b.test"));
        assertFalse(b.covers("y.x.b.test"));
        assertFalse(b.covers(".b.test"));
        assertFalse(b.coversExactly("x.b.test"));
    }

    @Test
    void theNamesAreTheSubjectAlternativeNamesInOrder() {
        assertEquals(List.of("*.b.test", "b.test"), names("*.B.test", "b.test").names());
    }

    @Test
    void anIpAddressNameCoversTheAddressAsAHostHeaderWritesIt() {
        CertificateNames local = names("localhost", "127.0.0.1", "::1");
        assertTrue(local.covers("127.0.0.1"));
        assertTrue(local.covers("[::1]"));
        assertTrue(local.covers("[0:0:0:0:0:0:0:1]"));
        assertFalse(local.covers("127.0.0.2"));
        assertFalse(local.covers("[::2]"));
    }
}
