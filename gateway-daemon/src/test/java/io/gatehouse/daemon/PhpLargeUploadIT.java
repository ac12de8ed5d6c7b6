package io.gatehouse.daemon;

import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Request bodies reach PHP streamed, never buffered whole: the packaged daemon, its heap capped at 32 MiB, runs a
 * script that reads a 1 GiB upload and reports its length and CRC-32, and answers a script that reads nothing of a
 * 64 MiB body without wedging the connection. A gateway that held the body would die of OutOfMemoryError
 * ({@code -XX:+ExitOnOutOfMemoryError}) long before the end. Skipped when php-cgi is not installed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PhpLargeUploadIT {

    private static final Path PHP_CGI = Path.of("/usr/bin/php-cgi");
    private static final Path JAR = Path.of(System.getProperty("gatehouse.jar", "target/gatehouse.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final long GIBIBYTE = 1L << 30;

    @TempDir
    Path dir;

    private final List<DaemonProcess> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(DaemonProcess::close);
    }

    @Test
    void aGibibyteUploadReachesTheScriptWholeUnderA32MebibyteHeap() throws Exception {
        int port = startDaemon();

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /count.php HTTP/1.1\r\nHost: php.test\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + GIBIBYTE + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long crc = send(socket.getOutputStream(), GIBIBYTE);
            String response = readAll(socket.getInputStream());

            assertTrue(response.startsWith("HTTP/1.1 200 "), response);
            assertTrue(response.contains(GIBIBYTE + " " + String.format("%08x", crc)), response);
        }
        DaemonProcess daemon = processes.get(0);
        assertTrue(daemon.process().isAlive(), daemon.log());
        assertFalse(daemon.log().contains("OutOfMemoryError"), daemon.log());
    }

    @Test
    void aScriptThatReadsNothingOfALargeBodyAnswersAndTheConnectionEnds() throws Exception {
        int port = startDaemon();

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /ignore.php HTTP/1.1\r\nHost: php.test\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + (64L << 20) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                try {
                    send(socket.getOutputStream(), 64L << 20);
                } catch (IOException e) {
                    // The gateway may close once it has answered: the rest of the body has nowhere to go.
                }
            });
            writer.start();
            String response = readAll(socket.getInputStream());
            writer.join();

            assertTrue(response.startsWith("HTTP/1.1 200 "), response);
            assertTrue(response.contains("ignored"), response);
        }
        assertTrue(processes.get(0).process().isAlive(), processes.get(0).log());
    }

    /** The daemon with a 32 MiB heap, spawning php-cgi for a files vhost; returns its port once it serves. */
    private int startDaemon() throws Exception {
        assumeTrue(Files.isExecutable(PHP_CGI), "php-cgi is not installed: the large-upload tests are skipped");
        Path www = Files.createDirectory(dir.resolve("www"));
        Files.writeString(www.resolve("count.php"), """
                <?php
                $in = fopen('php://input', 'rb');
                $hash = hash_init('crc32b');
                $length = 0;
                while (!feof($in)) {
                    $chunk = fread($in, 65536);
                    $length += strlen($chunk);
                    hash_update($hash, $chunk);
                }
                echo $length, ' ', hash_final($hash);
                """);
        Files.writeString(www.resolve("ignore.php"), "<?php echo 'ignored';");
        int port = UnusedPort.next();
        // post_max_size=0: no limit, and enable_post_data_reading=0: php://input streams from FastCGI STDIN instead
        // of PHP spooling the body first, so the whole gibibyte passes through at the script's pace.
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:%d"]
                accessLog: { path: "off" }
                limits: { maxBody: 2GiB }
                timeouts: { response: 3m }
                vhosts:
                  - hosts: ["php.test"]
                    files:
                      root: www
                      fastcgi:
                        spawn:
                          command: "%s -d post_max_size=0 -d enable_post_data_reading=0 -d max_execution_time=0"
                          children: 2
                """.formatted(port, PHP_CGI));
        DaemonProcess daemon = DaemonProcess.start(new ProcessBuilder(JAVA.toString(), "-Xmx32m", "-XX:+ExitOnOutOfMemoryError",
                "-jar", JAR.toString(), "run", config.toString()).directory(dir.toFile()), dir);
        processes.add(daemon);
        daemon.awaitLog("listening on 127.0.0.1:" + port);
        return port;
    }

    /** Writes {@code length} bytes of a repeating pattern to {@code out}; returns their CRC-32. */
    private static long send(OutputStream out, long length) throws IOException {
        byte[] block = new byte[1 << 16];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31 + 7);
        }
        CRC32 crc = new CRC32();
        for (long sent = 0; sent < length; sent += block.length) {
            int size = (int) Math.min(block.length, length - sent);
            out.write(block, 0, size);
            crc.update(block, 0, size);
        }
        out.flush();
        return crc.getValue();
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
