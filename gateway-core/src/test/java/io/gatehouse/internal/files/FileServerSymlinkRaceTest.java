package io.gatehouse.internal.files;

import io.gatehouse.config.FilesConfig.Symlinks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A tenant who can write in the document root swaps a name between a plain entry and a symbolic link while the
 * name is requested: whatever the interleaving, the answer is the plain entry, a 403 or a 404, never what the
 * link leads to. Each test drives thousands of requests against a thread renaming in a loop; the requests go over
 * one keep-alive connection (the inputs are ordinary, only their timing matters).
 */
@Timeout(120)
class FileServerSymlinkRaceTest {

    private static final int REQUESTS = 5_000;
    private static final String SECRET = "OUTSIDE-SECRET";
    private static final String DENIED = "DENIED-SECRET";

    @TempDir
    Path tmp;
    private Path root;
    private Path stage;
    private Path outside;
    private final HttpClient client = HttpClient.newHttpClient();
    private Swapper swapper;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        stage = Files.createDirectories(root.resolve("stage"));
        outside = write(tmp.resolve("outside/secret.txt"), SECRET);
        write(root.resolve("config.inc"), DENIED);
    }

    @AfterEach
    void stopSwapping() throws InterruptedException {
        if (swapper != null) {
            swapper.halt();
        }
    }

    @Test
    void aFileSwappedWithALinkOutOfTheRootNeverServesTheOutsideFile() throws Exception {
        swap("race.txt", plainFile("public"), link(outside));
        hammer(files(root, f -> { }), "/race.txt", SECRET, "public");
    }

    @Test
    void aFileSwappedWithALinkIsNeverFollowedUnderSymlinksNever() throws Exception {
        swap("race.txt", plainFile("public"), link(outside));
        hammer(files(root, f -> f.symlinks(Symlinks.NEVER)), "/race.txt", SECRET, "public");
    }

    @Test
    void aFileSwappedWithALinkToADeniedFileNeverServesTheDeniedFile() throws Exception {
        swap("race.txt", plainFile("public"), link(root.resolve("config.inc")));
        hammer(files(root, f -> f.deny(".inc")), "/race.txt", DENIED, "public");
    }

    @Test
    void aDirectorySwappedWithALinkOutOfTheRootNeverServesTheOutsideFile() throws Exception {
        Path plainDirectory = Files.createDirectories(stage.resolve("plain-dir"));
        write(plainDirectory.resolve("secret.txt"), "public");
        swap("dir", plainDirectory, link(outside.getParent()));
        hammer(files(root, f -> { }), "/dir/secret.txt", SECRET, "public");
    }

    @Test
    void aPrecompressedSiblingSwappedWithALinkNeverServesTheOutsideFile() throws Exception {
        write(root.resolve("app.js"), "plain javascript");
        swap("app.js.gz", plainFile("GZIP-BYTES"), link(outside));
        hammer(files(root, f -> f.precompressed(true)), "/app.js", SECRET, "GZIP-BYTES", "Accept-Encoding", "gzip");
    }

    @Test
    void aBrotliSiblingSwappedWithALinkToADeniedFileNeverServesIt() throws Exception {
        write(root.resolve("app.js"), "plain javascript");
        swap("app.js.br", plainFile("BROTLI-BYTES"), link(root.resolve("config.inc")));
        hammer(files(root, f -> f.precompressed(true).deny(".inc")), "/app.js", DENIED, "BROTLI-BYTES",
                "Accept-Encoding", "br");
    }

    @Test
    void aTenantsLinkSwappedToAnotherOwnersFileIsNeverFollowedUnderOwnerMatch() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
        UserPrincipal nobody = outside.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.getFileAttributeView(outside, PosixFileAttributeView.class).setOwner(nobody);
        Path mine = write(tmp.resolve("outside/mine.txt"), "public");
        swap("race.txt", Files.createSymbolicLink(stage.resolve("mine"), mine), link(outside));
        hammer(files(root, f -> f.symlinks(Symlinks.OWNER_MATCH)), "/race.txt", SECRET, "public");
    }

    /**
     * Sends {@link #REQUESTS} requests for {@code target} while the swapper runs: none may carry {@code secret},
     * and at least one must carry {@code plain}, so the race was really run with the name in both states.
     */
    private void hammer(io.gatehouse.config.FilesConfig config, String target, String secret, String plain,
                        String... headers) throws Exception {
        try (FileServerFixture server = FileServerFixture.serving(config)) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + target);
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
            if (headers.length > 0) {
                builder.headers(headers);
            }
            HttpRequest request = builder.build();
            int plainSeen = 0;
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                assertNotEquals(secret, response.body(), "request " + i + " answered " + response.statusCode()
                        + " with what the policy refuses");
                if (response.body().equals(plain)) {
                    plainSeen++;
                }
            }
            assertTrue(plainSeen > 0, "the plain entry was never served, so the race was not run");
            assertTrue(swapper.rounds() > 0, "the swapper never completed a round");
        }
    }

    private Path plainFile(String content) throws IOException {
        return write(stage.resolve("plain"), content);
    }

    private Path link(Path target) throws IOException {
        return Files.createSymbolicLink(stage.resolve("link"), target);
    }

    private void swap(String name, Path plain, Path link) {
        swapper = new Swapper(root.resolve(name), plain, link);
        swapper.start();
    }

    /** Renames {@code plain} and {@code link} in turn to {@code name} and back, until stopped. */
    private static final class Swapper extends Thread {

        private final Path name;
        private final Path plain;
        private final Path link;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile long rounds;
        private volatile IOException failure;

        Swapper(Path name, Path plain, Path link) {
            super("symlink-swapper");
            this.name = name;
            this.plain = plain;
            this.link = link;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (running.get()) {
                    Files.move(plain, name, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(name, plain, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(link, name, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(name, link, StandardCopyOption.ATOMIC_MOVE);
                    rounds++;
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        long rounds() {
            if (failure != null) {
                throw new UncheckedIOException("the swapper stopped", failure);
            }
            return rounds;
        }

        void halt() throws InterruptedException {
            running.set(false);
            join();
        }
    }
}
