package io.gatehouse.daemon;

import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archive {@code mvn package} builds, unpacked as an operator would ({@code tar xzf}) into a directory with no
 * source checkout and no Maven on the launcher's PATH, and run through its {@code bin/gatehouse}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DistributionIT {

    private static final Path ARCHIVE = Path.of(System.getProperty("gatehouse.dist", "target/gatehouse.tar.gz"));
    private static final String VERSION = System.getProperty("gatehouse.version", "");

    @TempDir
    Path dir;

    private final List<DaemonProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(DaemonProcess::close);
    }

    @Test
    void unpackedArchiveChecksItsDemoConfiguration() throws Exception {
        Path home = unpack();

        DaemonProcess check = launch(home, Map.of(), "check", "config/demo.yaml");

        assertEquals(Main.OK, check.exitStatus(), check.log());
        assertTrue(check.stdout().contains("gatehouse: config/demo.yaml: configuration is valid"), check.stdout());
    }

    @Test
    void unpackedArchiveServesARequestAndExitsZeroOnSigterm() throws Exception {
        Path home = unpack();
        int port = UnusedPort.next();
        DaemonProcess daemon = launch(home, Map.of(), "run", echoConfig(port).toString());
        daemon.awaitLog("listening on 127.0.0.1:" + port);

        RawGet.Response response = RawGet.get(port, "dist.test", "/hello");
        daemon.process().destroy(); // SIGTERM

        assertEquals(200, response.status(), response.toString());
        assertTrue(response.body().contains("GET /hello HTTP/1.1"), response.body());
        assertEquals(Main.OK, daemon.exitStatus(), daemon.log());
        assertTrue(daemon.log().contains("INFO  gatehouse " + VERSION + " started"), daemon.log());
    }

    @Test
    void smallFootprintRunsTheDaemonWithTheC1CompilerAlone() throws Exception {
        Path home = unpack();
        int port = UnusedPort.next();
        DaemonProcess daemon = launch(home, Map.of("GATEHOUSE_FOOTPRINT", "small"), "run", echoConfig(port).toString());
        daemon.awaitLog("listening on 127.0.0.1:" + port);

        // The launcher execs the JVM, so the process started is the JVM and its arguments are the options used.
        List<String> jvmArguments = List.of(daemon.process().info().arguments().orElseThrow());
        RawGet.Response response = RawGet.get(port, "dist.test", "/hello");

        assertEquals(200, response.status(), response.toString());
        assertTrue(jvmArguments.contains("-XX:TieredStopAtLevel=1"), jvmArguments.toString());
        assertFalse(jvmArguments.contains("-XX:-TieredCompilation"), jvmArguments.toString());
        assertFalse(jvmArguments.stream().anyMatch(option -> option.startsWith("-XX:FreqInlineSize")), jvmArguments.toString());
    }

    @Test
    void anUnknownFootprintIsRefusedNamingTheValidOnes() throws Exception {
        Path home = unpack();

        DaemonProcess run = launch(home, Map.of("GATEHOUSE_FOOTPRINT", "tiny"), "run", "config/demo.yaml");

        assertEquals(64, run.exitStatus(), run.log());
        assertTrue(run.log().contains("GATEHOUSE_FOOTPRINT=tiny is not a footprint; use default or small"), run.log());
    }

    private Path echoConfig(int port) throws IOException {
        return Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:%d"]
                accessLog: { path: "off" }
                vhosts:
                  - hosts: ["*"]
                    echo: {}
                """.formatted(port));
    }

    /** Unpacks the archive with tar, which keeps bin/gatehouse executable, and returns its top directory. */
    private Path unpack() throws IOException, InterruptedException {
        Process tar = new ProcessBuilder("tar", "xzf", ARCHIVE.toString(), "-C", dir.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor(), "tar xzf " + ARCHIVE);
        Path home = dir.resolve("gatehouse-" + VERSION);
        assertTrue(Files.isExecutable(home.resolve("bin/gatehouse")), "bin/gatehouse is executable");
        assertTrue(Files.isRegularFile(home.resolve("lib/gatehouse.jar")), "lib/gatehouse.jar is there");
        return home;
    }

    /**
     * Runs {@code bin/gatehouse} from the unpacked directory with this JVM as JAVA_HOME and a PATH of only the
     * system directories, so it cannot fall back to a checkout or to Maven, and with {@code variables} besides.
     */
    private DaemonProcess launch(Path home, Map<String, String> variables, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/gatehouse").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("PATH", "/usr/bin:/bin");
        environment.putAll(variables);
        DaemonProcess process = DaemonProcess.start(builder, dir);
        processes.add(process);
        return process;
    }
}
