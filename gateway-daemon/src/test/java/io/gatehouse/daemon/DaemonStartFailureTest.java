package io.gatehouse.daemon;

import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class DaemonStartFailureTest {

    @Test
    void accessLogThatCannotBeOpenedIsABadConfigAndReleasesTheAdminListener(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        int admin = UnusedPort.next();
        Path config = Files.writeString(dir.resolve("g.yaml"), """
                listen: ["127.0.0.1:%d"]
                accessLog: { path: "%s" }
                admin: { listen: "127.0.0.1:%d" }
                vhosts:
                  - hosts: ["*"]
                    echo: {}
                """.formatted(UnusedPort.next(), notADirectory.resolve("access.log"), admin));

        int status = new Daemon(config, "test", new PrintStream(new ByteArrayOutputStream())).run();

        assertEquals(Main.BAD_CONFIG, status);
        try (ServerSocket rebound = new ServerSocket(admin, 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(admin, rebound.getLocalPort(), "the admin listener was closed");
        }
    }
}
