package io.gatehouse.embedding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application on SLF4J + Logback that adds {@code slf4j-jdk-platform-logging} receives Gatehouse's event lines,
 * its access log ({@code path: logger}) and Undertow's and XNIO's lines in Logback, and none of them on standard
 * error. The application ({@link LogbackApp}) runs in a JVM of its own: the bridge re-routes System.Logger for the
 * whole JVM, which must not happen to the other tests. Its class path is the gateway's runtime class path and the
 * logging jars that the build copies to {@code target/logback-app}.
 */
@Timeout(120)
class LogbackEmbeddingTest {

    @TempDir
    Path dir;

    @Test
    void gatehouseUndertowAndXnioLinesAndTheAccessLogLandInLogback() throws Exception {
        Path logbackLog = dir.resolve("logback.log");
        Path config = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%level %%logger - %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(logbackLog));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");

        Process app = new ProcessBuilder(java(), "-cp", appClassPath(),
                "-Dlogback.configurationFile=" + config, LogbackApp.class.getName())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        boolean exited = app.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            app.destroyForcibly();
        }
        String errors = Files.readString(stderr);
        assertTrue(exited, "the application did not stop; stderr: " + errors);
        assertEquals(0, app.exitValue(), "the application did not get its 502; stderr: " + errors);

        List<String> logback = Files.readAllLines(logbackLog);
        assertHasLine(logback, "WARN io\\.gatehouse\\.internal\\.proxy - GET /y -> http://127\\.0\\.0\\.1:\\d+: 502, connect failed.*");
        assertHasLine(logback, "INFO gatehouse\\.access - 127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /y HTTP/1\\.1\" 502 \\d+ \"-\" \"-\"");
        assertHasLine(logback, "INFO org\\.xnio - XNIO version .*");
        assertFalse(errors.contains("502, connect failed"), "Gatehouse's line reached stderr too: " + errors);
    }

    private static void assertHasLine(List<String> lines, String regex) {
        assertTrue(lines.stream().anyMatch(line -> line.matches(regex)), "no line matches " + regex + " in " + lines);
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** This module's classes and test classes, its runtime dependencies, and SLF4J, the bridge and Logback. */
    private static String appClassPath() throws IOException, URISyntaxException {
        Path testClasses = Path.of(LogbackEmbeddingTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = testClasses.getParent();
        Path jars = target.resolve("logback-app");
        assertTrue(Files.isDirectory(jars), jars + " is missing: the build's generate-test-resources phase makes it");
        List<String> entries = new ArrayList<>(List.of(target.resolve("classes").toString(), testClasses.toString()));
        entries.add(Files.readString(jars.resolve("runtime.classpath")).strip());
        try (Stream<Path> files = Files.list(jars)) {
            files.filter(file -> file.toString().endsWith(".jar")).sorted().forEach(jar -> entries.add(jar.toString()));
        }
        return String.join(File.pathSeparator, entries);
    }
}
