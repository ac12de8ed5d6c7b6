package io.gatehouse.internal.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Set;

/**
 * A regular file opened for reading by walking to it from a trusted directory one name at a time without ever
 * following a symbolic link: each directory is opened relative to the one before and the file relative to its
 * directory ({@code openat} with {@code O_NOFOLLOW}, through {@link SecureDirectoryStream}). A link put in place of
 * any name after the policy looked at the path makes the open fail with {@link AccessDeniedException} instead of
 * leading elsewhere, so the file opened is the file the policy allowed, whatever renames run meanwhile.
 *
 * <p>{@link #attributes()} are read relative to the opened parent directory without following a link, after the
 * file was opened; only a writer of that directory can change what they describe in between.
 *
 * <p>Needs a POSIX system with {@code openat} (Linux, macOS), where the JDK's directory streams are secure;
 * elsewhere every open fails with an {@link IOException} that says so.
 *
 * @param path       the path that was opened (a real path: no link, no {@code .} or {@code ..})
 * @param channel    the open file; the caller closes it through {@link #close()}
 * @param attributes the file's attributes, owner included
 */
record OpenedFile(Path path, FileChannel channel, PosixFileAttributes attributes) implements Closeable {

    private static final Set<OpenOption> READ_NO_FOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    /**
     * Opens {@code real}, which lies below {@code base} or is outside it (then the walk starts at the file system
     * root); {@code base} itself is opened as named.
     *
     * @throws AccessDeniedException when a name on the way is a symbolic link, or access is denied
     * @throws NoSuchFileException   when a name on the way is missing, or the file is not a regular file
     * @throws NotDirectoryException when a name on the way is not a directory
     */
    static OpenedFile open(Path base, Path real) throws IOException {
        Path start = real.startsWith(base) ? base : real.getRoot();
        Path relative = start.relativize(real);
        Path name = relative.getFileName();
        DirectoryStream<Path> stream = Files.newDirectoryStream(start);
        if (!(stream instanceof SecureDirectoryStream<Path> directory)) {
            stream.close();
            throw new IOException("this platform cannot open a file without following symbolic links (no openat)");
        }
        try {
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                SecureDirectoryStream<Path> parent = directory;
                directory = enter(parent, relative.getName(i), real);
                parent.close();  // if this throws, the finally below still closes the one entered
            }
            FileChannel channel = openFile(directory, name, real);
            try {
                PosixFileAttributes attributes = directory.getFileAttributeView(name, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
                if (!attributes.isRegularFile()) {
                    throw new NoSuchFileException(real.toString(), null, "not a regular file");
                }
                return new OpenedFile(real, channel, attributes);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } finally {
            directory.close();
        }
    }

    private static SecureDirectoryStream<Path> enter(SecureDirectoryStream<Path> directory, Path name, Path real)
            throws IOException {
        try {
            return directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | AccessDeniedException | NotDirectoryException e) {
            throw e;
        } catch (FileSystemException e) {
            throw refusedIfLink(directory, name, real, e);
        }
    }

    /** The SecureDirectoryStream of the JDK opens files as FileChannels; the zero-copy send needs one. */
    private static FileChannel openFile(SecureDirectoryStream<Path> directory, Path name, Path real)
            throws IOException {
        try {
            return (FileChannel) directory.newByteChannel(name, READ_NO_FOLLOW);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (FileSystemException e) {
            throw refusedIfLink(directory, name, real, e);
        }
    }

    /** {@code O_NOFOLLOW} on a link fails with ELOOP, which Java reports only as a message: look at the name. */
    private static IOException refusedIfLink(SecureDirectoryStream<Path> directory, Path name, Path real,
                                             FileSystemException e) throws IOException {
        boolean link = directory.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes().isSymbolicLink();
        return link ? new AccessDeniedException(real.toString(), null, "a symbolic link on the way: " + name) : e;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
