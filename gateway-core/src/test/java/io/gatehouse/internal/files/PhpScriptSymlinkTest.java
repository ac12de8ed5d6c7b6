package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static io.gatehouse.internal.files.PhpSite.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Scripts reached through symbolic links, under the default {@code symlinks: inside-root}: a script whose path holds
 * no link runs as written, one that holds a link runs as its real path or not at all, and a name swapped for a link
 * between two requests is judged as a link on the next one. Real php-cgi; skipped when it is not installed.
 */
@Timeout(60)
class PhpScriptSymlinkTest {

    /** Prints the script's real path, as PHP was given it. */
    private static final String FILENAME = "<?php echo $_SERVER['SCRIPT_FILENAME'];";

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path tmp;
    private Path root;
    private Path outside;
    private PhpSite site;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root")).toRealPath();
        outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
        write(outside.resolve("evil.php"), "<?php echo 'ran outside';");
        PhpCgi php = cleanUp.add(PhpCgi.start(UnusedPort.next()));
        site = cleanUp.add(PhpSite.serving(root, php.port(), c -> { }));
    }

    @Test
    void aScriptWithoutLinksOnItsPathRunsAsWritten() throws IOException {
        write(root.resolve("dir/plain.php"), FILENAME);
        assertEquals(root + "/dir/plain.php", ok(site.get("/dir/plain.php")));
    }

    @Test
    void aScriptThatIsALinkInsideTheRootRunsAsItsTarget() throws IOException {
        write(root.resolve("real.php"), FILENAME);
        Files.createSymbolicLink(root.resolve("alias.php"), root.resolve("real.php"));
        assertEquals(root + "/real.php", ok(site.get("/alias.php")));
    }

    @Test
    void aScriptBelowALinkedDirectoryInsideTheRootRunsAsItsRealPath() throws IOException {
        write(root.resolve("dir/inner.php"), FILENAME);
        Files.createSymbolicLink(root.resolve("dirlink"), root.resolve("dir"));
        assertEquals(root + "/dir/inner.php", ok(site.get("/dirlink/inner.php")));
    }

    @Test
    void aScriptThatIsALinkOutOfTheRootNeverRuns() throws IOException {
        Files.createSymbolicLink(root.resolve("evil.php"), outside.resolve("evil.php"));
        site.assertNotRun("/evil.php", 403, "ran outside");
    }

    @Test
    void aScriptReplacedByALinkOutOfTheRootIsRefusedOnTheNextRequest() throws IOException {
        assertRefusedOnceLinkedOut("swap.php", "swap.php", outside.resolve("evil.php"));
    }

    @Test
    void aDirectoryReplacedByALinkOutOfTheRootRefusesItsScriptsOnTheNextRequest() throws IOException {
        assertRefusedOnceLinkedOut("d/evil.php", "d", outside);
    }

    /**
     * Runs {@code script} once; then {@code name} (the script, or a directory on its way) is moved away and replaced
     * by a link to {@code target}, out of the root: the next request for the script is 403, and runs nothing.
     */
    private void assertRefusedOnceLinkedOut(String script, String name, Path target) throws IOException {
        write(root.resolve(script), "<?php echo 'inside';");
        assertEquals("inside", ok(site.get("/" + script)));
        Files.move(root.resolve(name), tmp.resolve(name + ".before"));
        Files.createSymbolicLink(root.resolve(name), target);
        site.assertNotRun("/" + script, 403, "ran outside");
    }
}
