package io.gatehouse.internal.files;

import io.gatehouse.config.GatewayConfigBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A precompressed sibling ({@code .gz}, {@code .br}) holds the file it stands for, so that file's deny rule is
 * its rule.
 */
@Timeout(30)
class FileServerSiblingDenyTest {

    @TempDir
    Path root;

    @BeforeEach
    void tree() throws IOException {
        write(root.resolve("config.inc"), "DB-PASSWORD");
        write(root.resolve("config.inc.gz"), "GZIPPED-DB-PASSWORD");
        write(root.resolve("config.inc.br"), "BROTLI-DB-PASSWORD");
        write(root.resolve("app.js"), "plain javascript");
        write(root.resolve("app.js.gz"), "GZIP-BYTES");
    }

    private FileServerFixture serving(Consumer<GatewayConfigBuilder.FilesBuilder> definition) {
        return FileServerFixture.serving(files(root, definition));
    }

    @Test
    void aSiblingOfADeniedFileIsDeniedWhenRequestedByItsOwnName() throws IOException {
        try (FileServerFixture server = serving(f -> f.deny(".inc").precompressed(true))) {
            server.assertForbiddenWithout("/config.inc.gz", "DB-PASSWORD");
            server.assertForbiddenWithout("/config.inc.br", "DB-PASSWORD");
            server.assertForbiddenWithout("/CONFIG.INC.GZ", "DB-PASSWORD");
        }
    }

    @Test
    void aSiblingOfADeniedFileIsDeniedEvenWithPrecompressedOff() throws IOException {
        try (FileServerFixture server = serving(f -> f.deny(".inc"))) {
            server.assertForbiddenWithout("/config.inc.gz", "DB-PASSWORD");
        }
    }

    @Test
    void aSiblingOfAnAllowedFileIsStillServedByItsOwnName() throws IOException {
        try (FileServerFixture server = serving(f -> f.deny(".inc").precompressed(true))) {
            assertEquals("GZIP-BYTES", server.get("/app.js.gz").bodyText());
        }
    }

    @Test
    void theListingHidesASiblingOfADeniedFile() throws IOException {
        try (FileServerFixture server = serving(f -> f.deny(".inc").precompressed(true).listing(true))) {
            String listing = server.get("/").bodyText();
            assertTrue(listing.contains("app.js.gz"), listing);
            assertFalse(listing.contains("config.inc"), listing);
        }
    }
}
