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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        // Last, after the gateways: what a failed test left behind, php-cgi on its port, must not outlive it.
        cleanUp.add(() -> php.processes().forEach(ProcessHandle::destroyForcibly));
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

        assertAKilledMasterIsRestarted(gateway.addresses().get(0));
    }

    /**
     * A signal sent to the gateway's whole process group (SIGTERM from {@code kill -TERM -PGID} or {@code timeout},
     * SIGHUP when the terminal of a foreground gateway closes, SIGINT and SIGQUIT from its keyboard) reaches the
     * php-cgi wrappers, which are in that group, and not php-cgi, which has a session of its own. The gateway
     * handles it (it drains and stops, or reloads), so the wrappers must outlive it to stop php-cgi when the gateway
     * stops. A test cannot signal its own JVM's group: it signals the wrappers and their watchers as that would.
     */
    @Test
    void signalsToTheGatewaysProcessGroupLeaveNoPhpCgiBehindWhenItStops() throws Exception {
        Gateway gateway = cleanUp.add(Gateway.start(php.config()));
        List<ProcessHandle> spawned = php.processes();

        signalTheWrappersAsTheGatewaysProcessGroup();
        gateway.close();

        awaitTrue(() -> spawned.stream().noneMatch(ProcessHandle::isAlive) && php.processes().isEmpty(),
                "every spawned process gone after the gateway stopped");
    }

    /**
     * The wrapper still watches its master after such signals: were it dead, the gateway would take its death for
     * the master's exit and start another master on the port the first one still holds.
     */
    @Test
    void afterSignalsToTheGatewaysProcessGroupAKilledMasterIsStillRestarted() throws Exception {
        Gateway gateway = cleanUp.add(Gateway.start(php.config()));

        signalTheWrappersAsTheGatewaysProcessGroup();

        assertAKilledMasterIsRestarted(gateway.addresses().get(0));
    }

    /**
     * The wrapper ignores SIGHUP and SIGTERM, and php-cgi must not inherit that: an ignored signal stays ignored
     * across exec and fork. (PHP 8's workers catch SIGTERM themselves; with SIGHUP ignored, they outlive it.)
     */
    @Test
    void spawnedWorkersEndOnSigtermAndSighup() throws Exception {
        cleanUp.add(Gateway.start(php.config()));
        ProcessHandle master = php.masters().get(0);
        awaitTrue(() -> master.children().count() == 2, "the master's two workers");
        List<ProcessHandle> workers = master.children().toList();

        assertEquals(0, signal("TERM", workers.subList(0, 1)));
        assertEquals(0, signal("HUP", workers.subList(1, 2)));

        try {
            CompletableFuture.allOf(workers.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("a worker ignored its signal: " + SpawnedPhpCgi.pids(workers.stream().filter(ProcessHandle::isAlive)
                    .toList()));
        }
    }

    private void assertAKilledMasterIsRestarted(InetSocketAddress address) throws Exception {
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
        // The child's own marker: its php-cgi processes, workers forked after it printed its pids included.
        SpawnedPhpCgi child = new SpawnedPhpCgi(root, php.marker + "-child");
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SpawnedPhpCgi.class.getName(), root.toString(), child.marker)
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
            List<Long> marked = child.processes().stream().map(ProcessHandle::pid).toList();
            assertTrue(marked.containsAll(pids), "the child's processes carry its marker: " + pids + ", marked " + marked);
        } finally {
            jvm.destroyForcibly();
        }
        jvm.waitFor();

        awaitTrue(() -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        && child.processes().isEmpty(),
                "no spawned process left after SIGKILL of the gateway's JVM: " + pids);
    }

    /**
     * Sends SIGHUP, SIGINT, SIGQUIT and SIGTERM to the wrappers and their watchers, as a signal to the gateway's
     * process group would. The watchers first: a wrapper's death closes its standard input, on which the watcher
     * would stop php-cgi were it still alive.
     */
    private void signalTheWrappersAsTheGatewaysProcessGroup() throws Exception {
        awaitTrue(() -> shells().size() == 2, "the wrapper and its watcher");
        long jvm = ProcessHandle.current().pid();
        List<ProcessHandle> shells = shells().stream()
                .sorted(Comparator.comparing(p -> p.parent().map(ProcessHandle::pid).orElse(0L) == jvm)).toList();
        for (String signal : List.of("HUP", "INT", "QUIT", "TERM")) {
            // Not asserted to succeed: a shell that an earlier signal killed is gone, which the test then shows.
            signal(signal, shells);
        }
    }

    /** The processes of this test that are not php-cgi: the wrappers, and their watchers. */
    private List<ProcessHandle> shells() {
        return php.processes().stream().filter(p -> !SpawnedPhpCgi.isPhpCgi(p)).toList();
    }

    /** {@code kill -s SIGNAL PID...}; its exit status, 0 when every process was signalled. */
    private static int signal(String signal, List<ProcessHandle> processes) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-s", signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
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
