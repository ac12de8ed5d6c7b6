package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static io.gatehouse.testing.Latches.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An HTTP/1.1 connection over TLS keeps its socket registered with the IO thread's selector while its request is
 * answered, as a plain one does ({@link ClientSocketReads}): no epoll deregistration and registration per
 * request. Read from the kernel's own view of this process's epoll sets ({@code /proc/self/fdinfo}).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class TlsKeepAliveReadRegistrationTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();

    @Test
    void theSocketStaysRegisteredForReadsWhileTheRequestIsProxied() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RawBackend backend = cleanUp.add(RawBackend.with(socket -> {
            arrived.countDown();
            await(release);
            return RawBackend.answer(socket, RawBackend.OK);
        }));
        TestCertificates ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test").write();
        int port = UnusedPort.next();
        Gateway gateway = cleanUp.add(Gateway.start(GatewayConfig.builder().listen("127.0.0.1:" + port + " tls")
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.hosts("a.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port()))).build()));

        try (SSLSocket client = TlsClient.connect(ca.clientContext(), gateway.addresses().get(0), "a.test", "http/1.1")) {
            TlsClient.write(client, "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
            // The request was parsed (reads suspended above the socket) and the proxy has since run its own
            // selector rounds to reach the backend, so any deregistration has been carried out by now.
            await(arrived);
            boolean registered = registeredForReads(socketInode(port, client.getLocalPort()));
            release.countDown();
            assertEquals(200, RawHttp.read(client).status());
            assertTrue(registered, "the server's socket left the epoll set while its request was proxied");
        }
    }

    /** The inode of the server side of the TCP connection from {@code clientPort} to {@code serverPort}. */
    private static String socketInode(int serverPort, int clientPort) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X", serverPort);
        String remote = String.format(Locale.ROOT, ":%04X", clientPort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
                    return fields[9];
                }
            }
        }
        throw new AssertionError("no server socket for client port " + clientPort);
    }

    /** Whether the file descriptor of socket {@code inode} is in one of this process's epoll sets. */
    private static boolean registeredForReads(String inode) throws IOException {
        String fd = null;
        List<Path> fds;
        try (Stream<Path> all = Files.list(Path.of("/proc/self/fd"))) {
            fds = all.toList();
        }
        for (Path link : fds) {
            if (("socket:[" + inode + "]").equals(target(link))) {
                fd = link.getFileName().toString();
            }
        }
        assertTrue(fd != null, "no descriptor for socket " + inode);
        for (Path link : fds) {
            if ("anon_inode:[eventpoll]".equals(target(link))) {
                String info = new String(Files.readAllBytes(Path.of("/proc/self/fdinfo", link.getFileName().toString())),
                        StandardCharsets.US_ASCII);
                for (String line : info.split("\n")) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 3 && fields[0].equals("tfd:") && fields[1].equals(fd)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return null; // closed meanwhile
        }
    }
}
