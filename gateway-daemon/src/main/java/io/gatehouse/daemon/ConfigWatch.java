package io.gatehouse.daemon;

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
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code watch: true}: asks for a reload when the content of the configuration file changes, however it changed.
 *
 * <p>It watches directories, not the file, because the usual ways of changing a file replace it: editors write a
 * new file and rename it over the old one, and Kubernetes updates a mounted ConfigMap by swapping the {@code ..data}
 * symbolic link the file name points through. So any event in the file's directory (and in the directory its
 * symbolic links lead to) makes it read the file again, and only a content different from the last one seen asks
 * for a reload: editor swap files and touches do not. Events are gathered until the directory has been quiet for
 * {@value #QUIET_MILLIS} ms, so that a file written in several steps is read once, whole.
 */
final class ConfigWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigWatch.class.getName());
    private static final long QUIET_MILLIS = 250;

    private final Path file;
    private final Runnable reload;
    private final WatchService watcher;
    private final Set<Path> watched = new HashSet<>();
    private final Thread thread;
    private byte[] lastSeen;

    private ConfigWatch(Path file, Runnable reload) throws IOException {
        this.file = file.toAbsolutePath();
        this.reload = reload;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.lastSeen = digest();
        watchDirectories();
        this.thread = new Thread(this::run, "gatehouse-config-watch");
        thread.setDaemon(true);
    }

    /**
     * Starts watching {@code file}; {@code reload} is called (on the watch thread; it must not block) each time its
     * content changes.
     *
     * @throws IOException when the directory cannot be watched
     */
    static ConfigWatch start(Path file, Runnable reload) throws IOException {
        ConfigWatch watch = new ConfigWatch(file, reload);
        watch.thread.start();
        LOG.info("watching " + watch.file + " for changes");
        return watch;
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
        byte[] now = digest();
        if (now != null && !Arrays.equals(now, lastSeen)) {
            lastSeen = now;
            reload.run();
        }
        try {
            watchDirectories();
        } catch (IOException e) {
            LOG.warning("cannot watch the directory of " + file + ": " + e.getMessage());
        }
    }

    /** The file's directory, and the directory it really is in after following symbolic links, when that differs. */
    private void watchDirectories() throws IOException {
        watch(file.getParent());
        try {
            watch(file.toRealPath().getParent());
        } catch (NoSuchFileException missing) {
            // Between a delete and a create: the next event will find it.
        }
    }

    private void watch(Path directory) throws IOException {
        if (watched.add(directory)) {
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
    }

    /** A digest of the file's content, or null when it cannot be read right now (it is being replaced). */
    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
