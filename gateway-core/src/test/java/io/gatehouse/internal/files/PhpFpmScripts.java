package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PHP run by a real php-fpm through Gatehouse, the same over each way to reach it (a subclass per transport):
 * the CGI variables, a script's status, and a request body and a response larger than a socket buffer holds, so that
 * both directions wait for the socket at least once.
 */
@Timeout(60)
abstract class PhpFpmScripts {

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    @TempDir
    Path run;
    private PhpFpm php;
    private PhpSite site;

    /** Starts php-fpm with its files in {@code dir}. */
    abstract PhpFpm startPhpFpm(Path dir) throws Exception;

    @BeforeEach
    void start() throws Exception {
        php = cleanUp.add(startPhpFpm(run));
        write(root.resolve("gone.php"), "<?php header('Status: 404 Not Found'); echo 'no such thing';");
        write(root.resolve("upload.php"),
                "<?php $in = file_get_contents('php://input'); echo strlen($in), ' ', sha1($in);");
        write(root.resolve("big.php"), "<?php for ($i = 0; $i < 4096; $i++) printf(\"%08d%s\\n\", $i, str_repeat('x', 1015));");
        site = cleanUp.add(PhpSite.serving(root, php.backend(), c -> { }));
    }

    @Test
    void theScriptSeesTheCgiVariables() throws IOException {
        site.assertCgiVariables(root);
    }

    @Test
    void aStatusHeaderFromTheScriptIsTheResponseStatus() throws IOException {
        RawHttp.Response response = site.get("/gone.php");
        assertEquals(404, response.status());
        assertEquals("no such thing", new String(response.dechunkedBody(), StandardCharsets.UTF_8));
    }

    @Test
    void anUploadLargerThanASocketBufferArrivesWhole() throws Exception {
        byte[] body = new byte[4 << 20];
        new Random(18).nextBytes(body);
        try (Socket socket = new Socket("127.0.0.1", site.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload.php HTTP/1.1\r\nHost: site.example\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            RawHttp.Response response = RawHttp.read(socket);
            assertEquals(200, response.status(), response.body());
            assertEquals(body.length + " " + sha1(body), response.body());
        }
    }

    @Test
    void aResponseLargerThanASocketBufferArrivesWhole() throws Exception {
        // Small socket buffers at both ends of the client's connection, so that the gateway's gathered writes find
        // the socket full part-way through a chunk every time, not only when the client falls megabytes behind (the
        // loopback's own buffers grow that large) as on a loaded machine.
        PhpSite slowClients = cleanUp.add(PhpSite.servingWithSendBuffer(root, php.backend(), 8192));
        try (Socket socket = slowClients.sendFromSmallReceiveBuffer("/big.php")) {
            RawHttp.Response response = RawHttp.read(socket);

            assertEquals(200, response.status());
            assertEquals("chunked", response.header("Transfer-Encoding"));
            byte[] body = response.bodyBytes();
            assertEquals(4 << 20, body.length);
            assertEquals(sha1(expectedBig()), sha1(body));
        }
    }

    @Test
    void moreScriptRunsThanWorkersAreEachServed() throws IOException {
        // Two workers serve one connection each at a time: a connection Gatehouse kept open would stall the third.
        for (int i = 0; i < 10; i++) {
            assertEquals(404, site.get("/gone.php").status(), "run " + i);
        }
    }

    /** What big.php writes: 4096 numbered lines of 1 KiB. */
    private static byte[] expectedBig() {
        StringBuilder lines = new StringBuilder(4 << 20);
        for (int i = 0; i < 4096; i++) {
            lines.append(String.format("%08d", i)).append("x".repeat(1015)).append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String sha1(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }
}
