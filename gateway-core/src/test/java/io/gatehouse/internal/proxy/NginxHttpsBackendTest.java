package io.gatehouse.internal.proxy;

import io.gatehouse.testing.Configs;
import io.gatehouse.testing.ExternalServer;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An nginx HTTPS server as the backend, so that the TLS a backend speaks is OpenSSL's rather than the JDK's on both
 * ends: nginx reports the SNI name it got, the protocol, and which of its connections served each request, which
 * shows keep-alive over TLS from the backend's side. Skipped when nginx is not installed.
 */
@Timeout(60)
class NginxHttpsBackendTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    static Path tmp;
    private static Process nginx;
    private static int nginxPort;
    /** The same server, TLS 1.2 only: the client's handshake ends on a read there. */
    private static int nginxTls12Port;
    private static TestCertificates ca;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed; apt-get install nginx to run this");
        assumeTrue(InetAddress.getByName("localhost").getHostAddress().equals("127.0.0.1"), "localhost is not 127.0.0.1 here");
        ca = TestCertificates.create(tmp);
        TestCertificates.Issued localhost = ca.issue("localhost").write();
        nginxPort = UnusedPort.next();
        nginxTls12Port = UnusedPort.next();
        Files.createDirectories(tmp.resolve("logs"));
        Path conf = Files.writeString(tmp.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    ssl_certificate %3$s;
                    ssl_certificate_key %4$s;
                    server {
                        listen 127.0.0.1:%2$d ssl;
                        ssl_protocols TLSv1.2 TLSv1.3;
                        location / {
                            return 200 "sni=$ssl_server_name protocol=$ssl_protocol connection=$connection request=$connection_requests host=$host";
                        }
                    }
                    server {
                        listen 127.0.0.1:%5$d ssl;
                        ssl_protocols TLSv1.2;
                        location / {
                            return 200 "sni=$ssl_server_name protocol=$ssl_protocol connection=$connection request=$connection_requests host=$host";
                        }
                    }
                }
                """.formatted(tmp, nginxPort, localhost.certificate(), localhost.key(), nginxTls12Port));
        nginx = new ProcessBuilder(NGINX.toString(), "-p", tmp.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("nginx.out").toFile()).start();
        ExternalServer.awaitListening(nginx, nginxPort, tmp.resolve("nginx.out"));
        ExternalServer.awaitListening(nginx, nginxTls12Port, tmp.resolve("nginx.out"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        ExternalServer.stop(nginx);
    }

    private static String get(ProxyServer proxy) throws Exception {
        RawHttp.Response answer = RawHttp.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()),
                "GET / HTTP/1.1\r\nHost: client.example\r\nConnection: close\r\n\r\n");
        assertEquals(200, answer.status(), answer.head());
        return answer.body();
    }

    /** What nginx on {@code port} says of the first of two requests, having checked the second came on its connection. */
    private static String firstOfTwoOnOneConnection(int port) throws Exception {
        try (ProxyServer proxy = ProxyServer.start(Configs.proxy(p -> p.backend("https://localhost:" + port)
                .tls(t -> t.ca(ca.caFile().toString()))))) {
            String first = get(proxy);
            String second = get(proxy);
            assertEquals(first.replace(" request=1 ", " request=2 "), second, "the same nginx connection, its second request");
            return first;
        }
    }

    @Test
    void nginxSeesTheBackendsNameAsSniTls13AndTheClientsHostOnOneKeptAliveConnection() throws Exception {
        String first = firstOfTwoOnOneConnection(nginxPort);

        assertTrue(first.startsWith("sni=localhost protocol=TLSv1.3 connection="), first);
        assertTrue(first.endsWith(" request=1 host=client.example"), first);
    }

    @Test
    void aTls12OnlyNginxAnswersOnOneKeptAliveConnection() throws Exception {
        String first = firstOfTwoOnOneConnection(nginxTls12Port);

        assertTrue(first.startsWith("sni=localhost protocol=TLSv1.2 connection="), first);
    }
}
