package io.gatehouse.daemon;

import io.gatehouse.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * {@code watch: true}: asks for a reload when the content of the configuration file changes, however it changed, or
 * the content of a certificate or key file of its {@code tls} (so a certbot renewal is served without a signal).
 *
 * <p>It watches directories, not the file, because the usual ways of changing a file replace it: editors write a
 * new file and rename it over the old one, and Kubernetes updates a mounted ConfigMap by swapping the {@code ..data}
 * symbolic link the file name points through. So any event in the file's directory (and in the directory its
 * symbolic links lead to) makes it read the file again, and only a content different from the last one seen asks
 * for a reload: editor swap files and touches do not. Events are gathered until the directory has been quiet for
 * {@value #QUIET_MILLIS} ms, so that a file written in several steps is read once, whole.
 *
 * <p>The certificate files are those of the configuration serving now, asked for at each check: a file that joins
 * the set (a reload named a new one) is only remembered, and a file that cannot be read right now (being replaced)
 * keeps the content last seen, so neither asks for a reload by itself.
 */
final class ConfigWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigWatch.class.getName());
    private static final long QUIET_MILLIS = 250;

    private final Path file;
    private final Supplier<List<Path>> certificateFiles;
    private final Runnable reload;
    private final WatchService watcher;
    private final Set<Path> watched = new HashSet<>();
    private final Thread thread;
    /** Each watched file's digest when last read; null for a file not readable yet. */
    private Map<Path, byte[]> lastSeen;

    private ConfigWatch(Path file, Supplier<List<Path>> certificateFiles, Runnable reload) throws IOException {
        this.file = file.toAbsolutePath();
        this.certificateFiles = certificateFiles;
        this.reload = reload;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.lastSeen = digests();
        watchDirectories();
        this.thread = new Thread(this::run, "gatehouse-config-watch");
        thread.setDaemon(true);
    }

    /**
     * Starts watching {@code file} and the certificate files {@code certificateFiles} names at each check;
     * {@code reload} is called (on the watch thread; it must not block) each time the content of one of them
     * changes.
     *
     * @throws IOException when a directory cannot be watched
     */
    static ConfigWatch start(Path file, Supplier<List<Path>> certificateFiles, Runnable reload) throws IOException {
        ConfigWatch watch = new ConfigWatch(file, certificateFiles, reload);
        watch.thread.start();
        LOG.info("watching " + watch.file + " for changes");
        return watch;
    }

    /** The {@code cert} and {@code key} files of {@code config}'s {@code tls} and of its vhosts' own certificates. */
    static List<Path> certificateFiles(GatewayConfig config) {
        List<Path> files = new ArrayList<>();
        Stream.concat(config.tls().certificates().stream(), config.vhosts().stream()
                        .flatMap(vhost -> vhost.tls().certificate().stream()))
                .forEach(certificate -> {
                    files.add(certificate.cert());
                    files.add(certificate.key());
                });
        return files;
    }

    @Override
    public void close() {
        try {
            watcher.close();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (IOException e) {
            LOG.fine("closing the config watch: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                settle(watcher.take());
                // Gather the rest of a burst (an editor's write, rename and chmod) before reading the file.
                WatchKey more;
                while ((more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    settle(more);
                }
                checkForChange();
            }
        } catch (ClosedWatchServiceException | InterruptedException stopped) {
            // close() was called: the daemon is stopping.
        }
    }

    private void settle(WatchKey key) {
        key.pollEvents();
        if (!key.reset()) {
            // The directory is gone (an old ConfigMap generation, for one): nothing more to watch there.
            watched.remove((Path) key.watchable());
        }
    }

    private void checkForChange() {
        Map<Path, byte[]> now = digests();
        boolean changed = false;
        for (Map.Entry<Path, byte[]> seen : now.entrySet()) {
            byte[] before = lastSeen.get(seen.getKey());
            if (seen.getValue() == null) {
                seen.setValue(before);
            } else if (before != null && !Arrays.equals(before, seen.getValue())) {
                changed = true;
            }
        }
        lastSeen = now;
        if (changed) {
            reload.run();
        }
        try {
            watchDirectories();
        } catch (IOException e) {
            LOG.warning("cannot watch the directory of " + file + " or of its certificates: " + e.getMessage());
        }
    }

    /** The files' directories, and the directories they really are in after following symbolic links. */
    private void watchDirectories() throws IOException {
        for (Path watchedFile : lastSeen.keySet()) {
            watch(watchedFile.getParent());
            try {
                watch(watchedFile.toRealPath().getParent());
            } catch (NoSuchFileException missing) {
                // Between a delete and a create: the next event will find it.
            }
        }
    }

    /** The configuration file first, then the certificate files of the configuration serving now. */
    private Map<Path, byte[]> digests() {
        Map<Path, byte[]> digests = new LinkedHashMap<>();
        digests.put(file, digest(file));
        for (Path certificateFile : certificateFiles.get()) {
            digests.putIfAbsent(certificateFile.toAbsolutePath(), digest(certificateFile));
        }
        return digests;
    }

    private void watch(Path directory) throws IOException {
        if (watched.add(directory)) {
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
    }

    /** A digest of a file's content, or null when it cannot be read right now (it is being replaced). */
    private static byte[] digest(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
