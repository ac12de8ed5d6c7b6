package io.gatehouse.internal.spawn;

import io.gatehouse.config.FastCgiConfig;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.testing.CleanUp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How {@link PhpCgiProcesses} ends a real php-cgi master that does not stop after SIGTERM. Skipped when php-cgi is
 * not installed.
 */
@Timeout(120)
class PhpCgiProcessesTest {

    /**
     * Starts php-cgi ({@code "$2"...}) as the leader of a process group of its own, which php-cgi then keeps as its
     * workers' group, with one more process in that group: one that ignores SIGTERM and whose parent exits at once,
     * so that init adopts it, its pid written to {@code "$1"}. Run under {@code setsid}, as php-cgi calls it.
     */
    private static final String WITH_ADOPTED_MEMBER = """
            out=$1; shift
            (trap '' TERM; sleep infinity & echo $! >"$out")
            exec "$@"
            """;

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path dir;

    /**
     * The adopted process stands for a worker that the master forks (replacing one that exited) after a list of the
     * master's descendants was taken and before the master died: no such list holds it, init adopts it, and it would
     * keep serving the port. The master is stopped (SIGSTOP), as a hung one, so SIGTERM does not end it and the last
     * resort runs.
     */
    @Test
    void aMasterThatOutlivesSigtermIsKilledWithEveryProcessOfItsGroup() throws Exception {
        assumeTrue(Files.isExecutable(SpawnedPhpCgi.PHP_CGI), "php-cgi is not installed: the spawn tests are skipped");
        Path script = Files.writeString(dir.resolve("with-adopted-member.sh"), WITH_ADOPTED_MEMBER);
        Path adoptedPid = dir.resolve("adopted.pid");
        FastCgiConfig.Spawn spawn = new FastCgiConfig.Spawn(
                "/usr/bin/setsid /bin/sh " + script + " " + adoptedPid + " " + SpawnedPhpCgi.PHP_CGI, 1, 2, 100);
        PhpCgiProcesses processes = cleanUp.add(PhpCgiProcesses.start(spawn,
                new RepeatedEvents(System.getLogger(PhpCgiProcessesTest.class.getName()), System.Logger.Level.WARNING,
                        Duration.ofHours(1))));
        long master = processes.masterPids().get(0);
        ProcessHandle adopted = ProcessHandle.of(Long.parseLong(Files.readString(adoptedPid).strip())).orElseThrow();
        cleanUp.add(adopted::destroyForcibly); // outlives the test when the test fails
        assertEquals(master, processGroup(adopted.pid()), "the adopted process is in the master's group");
        assertTrue(ProcessHandle.current().descendants().noneMatch(p -> p.pid() == adopted.pid()),
                "the adopted process is no descendant of this JVM");
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(master)).start().waitFor());

        processes.close();

        try {
            adopted.onExit().get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("process " + adopted.pid() + " of the killed master's group is still alive");
        }
    }

    /** The process group of {@code pid}: the fifth field of /proc/PID/stat, the third after the command's ')'. */
    private static long processGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }
}
