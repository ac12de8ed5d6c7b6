package io.gatehouse.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@code gatehouse} process started from a command line, its standard output and error going to files (a full
 * pipe would block it), for the integration tests of reload and of the distribution archive.
 */
record DaemonProcess(Process process, Path stdoutFile, Path stderrFile) implements AutoCloseable {

    /** Starts {@code command} in {@code dir}. */
    static DaemonProcess start(Path dir, List<String> command) throws IOException {
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

    /** Sends SIGHUP, as {@code systemctl reload} and {@code kill -HUP} do. */
    void hangUp() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            fail("kill -HUP failed");
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

    /** A response read to the end of a {@code Connection: close} exchange. */
    record Response(int status, String body) {
    }

    /** GET {@code target} with {@code Host: host} over a raw socket, {@code Connection: close}. */
    static Response get(int port, String host, String target) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = raw.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IOException("no complete response head: " + raw);
            }
            return new Response(Integer.parseInt(raw.substring(9, 12)), raw.substring(end + 4));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
