package io.gatehouse.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch: true} follows the certificate files too: a renewal, written in place or as certbot does it (new files
 * in {@code archive/}, the links in {@code live/} swapped), asks for a reload.
 */
class CertificateWatchTest {

    @TempDir
    Path dir;

    @Test
    void aCertificateRewrittenInPlaceAsksForAReload() throws IOException, InterruptedException {
        TestCertificates ca = TestCertificates.create(dir);
        Issued issued = ca.issue("a.test").write();
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "vhosts: []\n");
        CountDownLatch reloads = new CountDownLatch(1);
        try (ConfigWatch watch = ConfigWatch.start(yaml, () -> List.of(issued.certificate(), issued.key()), reloads::countDown)) {
            ca.issue("a.test").write();
            assertTrue(reloads.await(30, TimeUnit.SECONDS), "no reload after the certificate changed");
        }
    }

    @Test
    void certbotsSwapOfTheLiveLinksAsksForAReload() throws IOException, InterruptedException {
        Path archive = Files.createDirectories(dir.resolve("archive/a.test"));
        Path live = Files.createDirectories(dir.resolve("live/a.test"));
        TestCertificates ca = TestCertificates.create(archive);
        Issued first = ca.issue("a.test").fileName("fullchain1").write();
        Path fullchain = Files.createSymbolicLink(live.resolve("fullchain.pem"), first.certificate());
        Path privkey = Files.createSymbolicLink(live.resolve("privkey.pem"), first.key());
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "vhosts: []\n");
        CountDownLatch reloads = new CountDownLatch(1);
        try (ConfigWatch watch = ConfigWatch.start(yaml, () -> List.of(fullchain, privkey), reloads::countDown)) {
            Issued second = ca.issue("a.test").fileName("fullchain2").write();
            // As certbot renews: a new link beside the old one, renamed over it.
            Path swap = Files.createSymbolicLink(live.resolve("fullchain.pem.new"), second.certificate());
            Files.move(swap, fullchain, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(reloads.await(30, TimeUnit.SECONDS), "no reload after the live link moved to the renewed certificate");
        }
    }
}
