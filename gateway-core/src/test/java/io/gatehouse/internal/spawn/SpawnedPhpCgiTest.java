package io.gatehouse.internal.spawn;

import io.gatehouse.Gateway;
import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code fastcgi.spawn} with the real php-cgi: the gateway runs it, restarts it when it dies, and leaves nothing
 * behind when it stops or is killed. Skipped when php-cgi is not installed.
 */
@Timeout(120)
class SpawnedPhpCgiTest {

    private static final String HELLO = "GET /hello.php?name=spawn HTTP/1.0\r\nHost: app.test\r\n\r\n";

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    private SpawnedPhpCgi php;

    @BeforeEach
    void phpCgiIsInstalled() throws Exception {
        assumeTrue(Files.isExecutable(SpawnedPhpCgi.PHP_CGI), "php-cgi is not installed: the spawn tests are skipped");
        php = new SpawnedPhpCgi(root);
    }

    @Test
    void aFilesActionRunsItsPhpOnTheProcessesItSpawns() throws Exception {
        Gateway gateway = cleanUp.add(Gateway.start(php.config()));

        RawHttp.Response response = RawHttp.exchangeToClose(gateway.addresses().get(0), HELLO);

        assertEquals(200, response.status(), response.head());
        assertEquals("hello spawn", response.body());
        assertEquals(1, php.masters().size(), "one master, as processes: 1 says");
    }

    @Test
    void aKilledMasterIsRestartedAndTheNextRequestRunsOnTheNewOne() throws Exception {
        Gateway gateway = cleanUp.add(Gateway.start(php.config()));
        InetSocketAddress address = gateway.addresses().get(0);
        assertEquals(200, RawHttp.exchangeToClose(address, HELLO).status());
        ProcessHandle killed = php.masters().get(0);

        killed.destroyForcibly();
        // A new master with workers: php-cgi binds its port before it forks them.
        awaitTrue(() -> php.masters().stream().anyMatch(m -> m.pid() != killed.pid() && m.children().findAny().isPresent()),
                "a new php-cgi master with workers");

        RawHttp.Response response = RawHttp.exchangeToClose(address, HELLO);
        assertEquals(200, response.status(), response.head());
        assertEquals("hello spawn", response.body());
        assertFalse(killed.isAlive());
    }

    @Test
    void aReloadWithTheSameSpawnKeepsTheRunningProcesses() throws Exception {
        Gateway gateway = cleanUp.add(Gateway.start(php.config()));
        ProcessHandle master = php.masters().get(0);

        gateway.reload(php.config());

        RawHttp.Response response = RawHttp.exchangeToClose(gateway.addresses().get(0), HELLO);
        assertEquals(200, response.status(), response.head());
        assertEquals(List.of(master.pid()), php.masters().stream().map(ProcessHandle::pid).toList());
    }

    @Test
    void stoppingTheGatewayStopsEveryPhpCgiItSpawned() throws Exception {
        Gateway gateway = Gateway.start(php.config());
        List<ProcessHandle> spawned = php.processes();
        assertTrue(spawned.size() >= 4, "wrapper, master and two workers: " + SpawnedPhpCgi.pids(spawned));

        gateway.close();

        awaitTrue(() -> spawned.stream().noneMatch(ProcessHandle::isAlive) && php.processes().isEmpty(),
                "every spawned process gone after the gateway stopped");
    }

    @Test
    void aGatewayKilledWithSigkillLeavesNoPhpCgiBehind() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SpawnedPhpCgi.class.getName(), root.toString())
                .redirectError(root.resolve("jvm.err").toFile()).start();
        List<Long> pids;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "the child JVM ended before it printed its php-cgi processes: "
                    + Files.readString(root.resolve("jvm.err")));
            String[] words = line.split(" ");
            pids = Arrays.stream(words, 1, Arrays.asList(words).indexOf("port")).map(Long::valueOf).toList();
            assertTrue(pids.size() >= 4, line);
        } finally {
            jvm.destroyForcibly();
        }
        jvm.waitFor();

        awaitTrue(() -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        && php.processes().isEmpty(),
                "no spawned process left after SIGKILL of the gateway's JVM: " + pids);
    }

    /** Polls {@code condition} until it holds, failing the test after 20 seconds. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
