package io.gatehouse.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout's root, for tests that read the documentation. */
public final class RepositoryRoot {

    private RepositoryRoot() {
    }

    /** The directory holding README.md and gateway-core: surefire runs in a module, an IDE maybe in the root. */
    public static Path find() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("gateway-core"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (README.md beside gateway-core) above "
                + Path.of("").toAbsolutePath());
    }
}
