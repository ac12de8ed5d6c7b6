package io.gatehouse.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@code gatehouse} process started from a command line, its standard output and error going to files (a full
 * pipe would block it), for the integration tests that drive the packaged daemon.
 */
record DaemonProcess(Process process, Path stdoutFile, Path stderrFile) implements AutoCloseable {

    /** The executable jar the build produced; failsafe passes its path. */
    private static final Path JAR = Path.of(System.getProperty("gatehouse.jar", "target/gatehouse.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    /** Starts {@code java -jar gatehouse.jar args} with this JVM, in {@code dir}, its output going to files there. */
    static DaemonProcess startJar(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command).directory(dir.toFile()), dir);
    }

    /** Starts {@code builder}'s command, its output going to files in {@code outputDir}. */
    static DaemonProcess start(ProcessBuilder builder, Path outputDir) throws IOException {
        Path out = Files.createTempFile(outputDir, "stdout", ".txt");
        Path err = Files.createTempFile(outputDir, "stderr", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new DaemonProcess(process, out, err);
    }

    String log() {
        return read(stderrFile);
    }

    String stdout() {
        return read(stdoutFile);
    }

    long pid() {
        return process.pid();
    }

    int exitStatus() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            fail("gatehouse did not exit:\n" + log());
        }
        return process.exitValue();
    }

    /** Waits until {@code text} has appeared {@code times} times in the log; fails early if the process exits. */
    void awaitLog(String text, int times) throws InterruptedException {
        // Polls only to learn when the line appears; the test's @Timeout bounds the wait.
        while (occurrences(log(), text) < times) {
            if (!process.isAlive()) {
                fail("gatehouse exited with " + process.exitValue() + " before logging \"" + text + "\":\n" + log());
            }
            Thread.sleep(50);
        }
    }

    void awaitLog(String text) throws InterruptedException {
        awaitLog(text, 1);
    }

    /** Sends SIG{@code name} ({@code HUP}, {@code USR1}, ...) with {@code kill}, as an operator or systemd does. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            fail("kill -" + name + " failed");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
