package io.gatehouse.internal.files;

import io.gatehouse.config.FilesConfig.Symlinks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code symlinks: never | inside-root | owner-match} (nginx disable_symlinks on / if_not_owner). */
@Timeout(30)
class FileServerSymlinkTest {

    @TempDir
    Path tmp;
    private Path root;
    private Path outside;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        write(root.resolve("real.txt"), "real");
        write(root.resolve("dir/inner.txt"), "inner");
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("real.txt"));
        Files.createSymbolicLink(root.resolve("dirlink"), root.resolve("dir"));
        outside = write(tmp.resolve("outside/shared.txt"), "shared");
        Files.createSymbolicLink(root.resolve("shared.txt"), outside);
    }

    private FileServerFixture serving(Symlinks symlinks) {
        return FileServerFixture.serving(files(root, f -> f.symlinks(symlinks)));
    }

    @Test
    void neverRefusesALinkToAFileInsideTheRoot() throws IOException {
        try (FileServerFixture server = serving(Symlinks.NEVER)) {
            assertEquals(403, server.get("/alias.txt").status());
            assertEquals("real", server.get("/real.txt").bodyText());
        }
    }

    @Test
    void neverRefusesALinkedDirectoryOnTheWay() throws IOException {
        try (FileServerFixture server = serving(Symlinks.NEVER)) {
            assertEquals(403, server.get("/dirlink/inner.txt").status());
            assertEquals("inner", server.get("/dir/inner.txt").bodyText());
        }
    }

    @Test
    void neverStillServesARootThatIsItselfALink() throws IOException {
        Path linkedRoot = Files.createSymbolicLink(tmp.resolve("public_html"), root);
        try (FileServerFixture server = FileServerFixture.serving(files(linkedRoot, f -> f.symlinks(Symlinks.NEVER)))) {
            assertEquals("real", server.get("/real.txt").bodyText());
        }
    }

    @Test
    void insideRootIsTheDefaultAndFollowsLinksThatStayInside() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> { }))) {
            assertEquals("real", server.get("/alias.txt").bodyText());
            assertEquals("inner", server.get("/dirlink/inner.txt").bodyText());
            assertEquals(403, server.get("/shared.txt").status());
        }
    }

    @Test
    void ownerMatchFollowsALinkOutOfTheRootWhenLinkAndTargetHaveOneOwner() throws IOException {
        try (FileServerFixture server = serving(Symlinks.OWNER_MATCH)) {
            assertEquals("shared", server.get("/shared.txt").bodyText());
            assertEquals("real", server.get("/alias.txt").bodyText());
        }
    }

    @Test
    void ownerMatchRefusesALinkToAFileOfAnotherOwner() throws IOException {
        UserPrincipal nobody = otherUserOrSkip();
        Files.getFileAttributeView(outside, PosixFileAttributeView.class).setOwner(nobody);
        try (FileServerFixture server = serving(Symlinks.OWNER_MATCH)) {
            assertEquals(403, server.get("/shared.txt").status());
        }
    }

    @Test
    void ownerMatchRefusesALinkOwnedByAnotherUserToOurFile() throws IOException {
        UserPrincipal nobody = otherUserOrSkip();
        Files.getFileAttributeView(root.resolve("alias.txt"), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setOwner(nobody);
        try (FileServerFixture server = serving(Symlinks.OWNER_MATCH)) {
            assertEquals(403, server.get("/alias.txt").status());
            assertEquals("real", server.get("/real.txt").bodyText());
        }
    }

    @Test
    void ownerMatchStillAppliesDotfilesToTheLinkTarget() throws IOException {
        write(tmp.resolve("home/.ssh/id_rsa"), "KEY");
        Files.createSymbolicLink(root.resolve("key.txt"), tmp.resolve("home/.ssh/id_rsa"));
        try (FileServerFixture server = serving(Symlinks.OWNER_MATCH)) {
            assertEquals(403, server.get("/key.txt").status());
        }
    }

    /** Changing owners needs root; elsewhere (a developer's machine) these two tests are skipped. */
    private static UserPrincipal otherUserOrSkip() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
        return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }
}
