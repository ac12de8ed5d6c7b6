package io.gatehouse.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The {@code pidFile}: this process's id as decimal digits and a newline, the format of nginx, Apache httpd and
 * {@code start-stop-daemon}. It is written whole (a temporary file renamed into place), so a reader never sees a
 * partial id, and removed at exit unless another process has overwritten it since.
 */
final class PidFile implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PidFile.class.getName());

    private final Path path;
    private final String content;

    private PidFile(Path path, String content) {
        this.path = path;
        this.content = content;
    }

    /** Writes this process's id to {@code path}, creating its directory. @throws IOException when it cannot */
    static PidFile write(Path path) throws IOException {
        String content = ProcessHandle.current().pid() + "\n";
        Path directory = path.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".gatehouse-pid", ".tmp");
        try {
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            try {
                // Readable by all, as nginx's: gatehouse reload may run as another user than the daemon.
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // The file system's defaults apply.
            }
            try {
                Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        return new PidFile(path, content);
    }

    /**
     * The process id written in {@code path}.
     *
     * @return empty when the file does not exist
     * @throws IOException when it cannot be read or does not hold a process id
     */
    static Optional<Long> read(Path path) throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IOException(path + " does not hold a process id: \"" + text + "\"");
        }
    }

    /** Removes the file if it still holds this process's id. */
    @Override
    public void close() {
        try {
            if (Files.readString(path, StandardCharsets.US_ASCII).equals(content)) {
                Files.delete(path);
            }
        } catch (NoSuchFileException gone) {
            // Removed by someone else: nothing to do.
        } catch (IOException e) {
            LOG.warning("cannot remove pidFile " + path + ": " + e.getMessage());
        }
    }
}
