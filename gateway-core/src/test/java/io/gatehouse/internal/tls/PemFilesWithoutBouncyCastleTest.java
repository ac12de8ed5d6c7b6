package io.gatehouse.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files certbot and {@code openssl req} write, certificates and PKCS#8 keys, are read by the JDK alone: in a JVM
 * whose class path has no Bouncy Castle, where touching it would fail with NoClassDefFoundError. Bouncy Castle's
 * classes, once loaded, stay in metaspace for the life of the daemon.
 */
class PemFilesWithoutBouncyCastleTest {

    @TempDir
    Path dir;

    @Test
    void certificatesAndPkcs8KeysNeedNoBouncyCastle() throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        Issued ec = ca.issue("ec.test").ec().write();
        Issued rsa = ca.issue("rsa.test").rsa().write();
        // Windows line ends, and the subject=/issuer= lines 'openssl x509 -subject -issuer' writes before a block.
        Issued crlf = ca.issue("crlf.test").fileName("crlf").write();
        Files.writeString(crlf.certificate(), ("subject=CN = crlf.test\n" + TestCertificates.pem(crlf.leaf())
                + "issuer=CN = the CA\n\n" + TestCertificates.pem(ca.ca())).replace("\n", "\r\n"));
        Files.writeString(crlf.key(), Files.readString(crlf.key()).replace("\n", "\r\n"));
        // HAProxy's crt: chain and key in one file.
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, Files.readString(rsa.certificate()) + Files.readString(rsa.key()));

        List<String> read = readInAJvmWithoutBouncyCastle(ec.certificate(), ec.key(), rsa.certificate(), rsa.key(),
                crlf.certificate(), crlf.key(), combined, combined);

        String caName = ca.ca().getSubjectX500Principal().getName();
        assertEquals(List.of("CN=ec.test " + caName + " EC", "CN=rsa.test " + caName + " RSA",
                "CN=crlf.test " + caName + " EC", "CN=rsa.test " + caName + " RSA"), read);
    }

    /** What {@link PemFilesReader} prints for {@code files}; its output, errors included, when it fails. */
    private static List<String> readInAJvmWithoutBouncyCastle(Path... files)
            throws IOException, InterruptedException, URISyntaxException {
        String classPath = classes(PemFiles.class) + File.pathSeparator + classes(PemFilesReader.class);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, PemFilesReader.class.getName()));
        for (Path file : files) {
            command.add(file.toString());
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), output);
        return output.lines().toList();
    }

    private static String classes(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
