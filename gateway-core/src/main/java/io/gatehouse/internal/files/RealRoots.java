package io.gatehouse.internal.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The real paths of document root directories, each remembered for a second: resolving one costs a
 * {@code readlink} per path component and a {@code stat}, on every request otherwise (lighttpd's stat cache keeps its
 * entries about as long).
 *
 * <p>Why a remembered root never lets a request reach more than a fresh resolution would: the root itself may
 * always be a symbolic link, followed wherever it leads (src-docs/files.md, "Symbolic links"), so a root's real path
 * is whatever its owner pointed it at; an entry is such a path, as resolved less than a second ago. Every check
 * below the root still runs per request against it: when a directory on the remembered path has since been
 * replaced by a link, files reached through it no longer lie under the remembered path, which {@code inside-root}
 * and {@code never} refuse, and which {@code owner-match} serves only where a fresh resolution of the root, following
 * that same link, would serve them too. Only directories are remembered, never a failure, so a root created
 * meanwhile is found at once; a root removed meanwhile is served from for up to a second, as a request already in
 * flight would be.
 *
 * <p>Thread-safe. Bounded: it forgets everything when it would hold more than {@value #MAX_ENTRIES} roots.
 */
final class RealRoots {

    private static final long LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_ENTRIES = 4096;

    private record Entry(Path real, long expires) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The real path of {@code directory}, or null when it does not exist, is not a directory, or cannot be
     * resolved.
     *
     * @param directory an absolute path
     */
    Path of(String directory) {
        long now = System.nanoTime();
        Entry entry = entries.get(directory);
        if (entry != null && entry.expires - now > 0) {
            return entry.real;
        }
        Path real = resolve(directory);
        if (real == null) {
            entries.remove(directory);
            return null;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(directory, new Entry(real, now + LIFETIME_NANOS));
        return real;
    }

    private static Path resolve(String directory) {
        try {
            Path real = Path.of(directory).toRealPath();
            return Files.isDirectory(real) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }
}
