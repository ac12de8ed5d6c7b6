package io.gatehouse.internal.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The remembered real paths of document roots: what is a root, and that a missing one is never remembered. */
class RealRootsTest {

    @TempDir
    Path temp;
    private final RealRoots roots = new RealRoots();

    @Test
    void aRootIsTheRealPathOfTheDirectory() throws Exception {
        Path site = Files.createDirectory(temp.resolve("site"));
        Path link = Files.createSymbolicLink(temp.resolve("public_html"), site);
        assertEquals(site.toRealPath(), roots.of(link.toString()));
    }

    @Test
    void aRootCreatedAfterAMissIsFoundAtOnce() throws Exception {
        Path site = temp.resolve("site");
        assertNull(roots.of(site.toString()));
        Files.createDirectory(site);
        assertEquals(site.toRealPath(), roots.of(site.toString()));
    }

    @Test
    void aFileIsNoRoot() throws Exception {
        assertNull(roots.of(Files.writeString(temp.resolve("file"), "x").toString()));
    }
}
