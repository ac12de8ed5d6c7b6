package io.gatehouse.daemon;

import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reloading the packaged daemon as an operator does: SIGHUP, {@code gatehouse reload}, and {@code watch: true} with
 * the two ways files are really replaced (an editor's rename, a Kubernetes ConfigMap's symbolic-link swap).
 * Each configuration serves a files vhost whose {@code tag.txt} says which one is live.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GatehouseReloadIT {

    @TempDir
    Path dir;

    private final List<DaemonProcess> processes = new ArrayList<>();
    private int port;

    @BeforeEach
    void pickPort() {
        port = UnusedPort.next();
    }

    @AfterEach
    void stopAll() {
        processes.forEach(DaemonProcess::close);
    }

    @Test
    void sighupServesTheRewrittenFileOnTheSameListener() throws Exception {
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), serving("a", ""));
        DaemonProcess daemon = startDaemon(config);
        assertEquals("a", tag());

        Files.writeString(config, serving("b", ""));
        daemon.signal("HUP");
        daemon.awaitLog("INFO  reloaded " + config);

        assertEquals("b", tag());
        assertTrue(daemon.log().contains("INFO  SIGHUP: reloading " + config), daemon.log());
    }

    @Test
    void sighupWithAnInvalidFileKeepsServingAndLogsFileLineColumn() throws Exception {
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), serving("a", ""));
        DaemonProcess daemon = startDaemon(config);

        Files.writeString(config, serving("b", "").replace("files:", "files:\n      listng: true"));
        daemon.signal("HUP");
        daemon.awaitLog("reload failed");

        assertEquals("a", tag(), "the old routes still serve");
        assertTrue(Pattern.compile("ERROR " + Pattern.quote(config.toString()) + ":\\d+:\\d+: vhosts\\[0\\]\\.files\\.listng: unknown key")
                .matcher(daemon.log()).find(), daemon.log());
        assertTrue(daemon.log().contains("ERROR reload failed: 1 problem in " + config + "; still serving the previous configuration"),
                daemon.log());
    }

    @Test
    void reloadCommandValidatesThenSignalsTheProcessInThePidFile() throws Exception {
        Path pidFile = dir.resolve("run/gatehouse.pid");
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), serving("a", "pidFile: run/gatehouse.pid\n"));
        DaemonProcess daemon = startDaemon(config);
        assertEquals(daemon.pid() + "\n", Files.readString(pidFile));

        Files.writeString(config, serving("b", "pidFile: run/gatehouse.pid\n"));
        DaemonProcess reload = launch("reload", config.toString());

        assertEquals(Main.OK, reload.exitStatus(), reload.log());
        daemon.awaitLog("INFO  reloaded " + config);
        assertEquals("b", tag());
        daemon.process().destroy(); // SIGTERM
        assertEquals(Main.OK, daemon.exitStatus(), daemon.log());
        assertFalse(Files.exists(pidFile), "the pidFile is removed at a clean stop");
    }

    @Test
    void reloadCommandWithNoRunningGatehouseExitsThree() throws Exception {
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), serving("a", "pidFile: gatehouse.pid\n"));

        DaemonProcess reload = launch("reload", config.toString());

        assertEquals(Main.NOT_RUNNING, reload.exitStatus(), reload.log());
        assertTrue(reload.log().contains("gatehouse: not running: " + dir.resolve("gatehouse.pid") + " does not exist"), reload.log());
    }

    @Test
    void watchedFileReplacedByRenameIsReloaded() throws Exception {
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), serving("a", "watch: true\n"));
        DaemonProcess daemon = startDaemon(config);
        daemon.awaitLog("watching ");

        // What vim, emacs and sed -i do: write a new file, then rename it over the old one.
        Path next = Files.writeString(dir.resolve(".gatehouse.yaml.swp"), serving("b", "watch: true\n"));
        Files.move(next, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        daemon.awaitLog("INFO  reloaded " + config);

        assertEquals("b", tag());
        assertTrue(daemon.log().contains("INFO  file changed: reloading " + config), daemon.log());
    }

    @Test
    void watchedConfigMapIsReloadedWhenKubernetesSwapsItsDataLink() throws Exception {
        // The layout kubelet gives a mounted ConfigMap: name -> ..data/name, ..data -> ..<timestamp>/.
        Path mount = Files.createDirectory(dir.resolve("mount"));
        Files.createDirectory(mount.resolve("..2026_11_28_1"));
        Files.writeString(mount.resolve("..2026_11_28_1/gatehouse.yaml"), serving("a", "watch: true\n"));
        Files.createSymbolicLink(mount.resolve("..data"), Path.of("..2026_11_28_1"));
        Path config = Files.createSymbolicLink(mount.resolve("gatehouse.yaml"), Path.of("..data/gatehouse.yaml"));
        DaemonProcess daemon = startDaemon(config);
        daemon.awaitLog("watching ");

        // An update: a new timestamped directory, a new link renamed over ..data, the old directory removed.
        Files.createDirectory(mount.resolve("..2026_11_28_2"));
        Files.writeString(mount.resolve("..2026_11_28_2/gatehouse.yaml"), serving("b", "watch: true\n"));
        Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of("..2026_11_28_2"));
        Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        Files.delete(mount.resolve("..2026_11_28_1/gatehouse.yaml"));
        Files.delete(mount.resolve("..2026_11_28_1"));
        daemon.awaitLog("INFO  reloaded " + config);

        assertEquals("b", tag());
    }

    /** One listener on {@link #port}; a files vhost whose tag.txt holds {@code tag}; {@code extra} top-level keys. */
    private String serving(String tag, String extra) throws IOException {
        Path root = Files.createDirectories(dir.resolve("www-" + tag));
        Files.writeString(root.resolve("tag.txt"), tag);
        return """
                listen: ["127.0.0.1:%d"]
                accessLog: { path: "off" }
                shutdown: { drainTimeout: 5s }
                %s
                vhosts:
                  - hosts: ["*"]
                    files:
                      root: %s
                """.formatted(port, extra, root);
    }

    private String tag() {
        RawGet.Response response = RawGet.get(port, "tag.test", "/tag.txt");
        assertEquals(200, response.status(), response.toString());
        return response.body();
    }

    private DaemonProcess startDaemon(Path config) throws Exception {
        DaemonProcess daemon = launch("run", config.toString());
        daemon.awaitLog("listening on 127.0.0.1:" + port);
        return daemon;
    }

    private DaemonProcess launch(String... args) throws IOException {
        DaemonProcess process = DaemonProcess.startJar(dir, args);
        processes.add(process);
        return process;
    }
}
