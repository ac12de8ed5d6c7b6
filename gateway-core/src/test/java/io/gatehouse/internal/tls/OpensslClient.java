package io.gatehouse.internal.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_client}, the client operators check a server with: another TLS stack than the JDK's, which the
 * other tests use. A test using it is skipped where openssl is not installed.
 */
final class OpensslClient {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private OpensslClient() {
    }

    /**
     * Runs {@code openssl s_client -connect 127.0.0.1:port} with {@code options} and nothing on its input, until it
     * ends (at once after the handshake, or when the server closes with {@code -ign_eof}).
     *
     * @return what it printed, standard error included
     */
    static String connect(int port, List<String> options) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed: this test is skipped");
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port));
        command.addAll(options);
        Process client = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(30, TimeUnit.SECONDS), "openssl s_client did not end");
        return output;
    }
}
