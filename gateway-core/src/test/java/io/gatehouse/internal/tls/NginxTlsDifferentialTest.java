package io.gatehouse.internal.tls;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.ExternalServer;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs real nginx and Gatehouse with the same certificates and equivalent configurations (one server block per
 * vhost, each with its own certificate, and a default server; a plain listener redirecting {@code a.test} to HTTPS)
 * and compares, case by case: the certificate each SNI name gets, the answer to a request whose Host the
 * connection's certificate may not cover (421), and the HTTPS redirect. Each row states what Gatehouse must answer;
 * nginx must answer the same unless the row says why not. Those reasons are documented in {@code
 * src-docs/configuration.md} (TLS, "Differential test"). The tables are printed and written to {@code
 * target/nginx-tls-diff-*.md}.
 *
 * <p>Skipped when nginx is not installed ({@code apt-get install nginx}).
 */
@Timeout(120)
class NginxTlsDifferentialTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    // Why Gatehouse answers 421 where nginx serves the Host's site over another site's certificate.
    private static final String COALESCING = "the certificate does not cover the Host: a browser reusing a connection"
            + " for another name (connection coalescing) is told to open its own (RFC 9110 §15.5.20); nginx does so"
            + " only for a server that verifies client certificates";
    private static final String NOT_COVERED = "the certificate presented does not cover the Host: Gatehouse never"
            + " serves a site under a certificate a browser would refuse for it";

    @TempDir
    static Path dir;

    private static TestCertificates ca;
    private static Process nginx;
    private static Server viaNginx;
    private static Gateway gatehouse;
    private static Server viaGatehouse;

    /** One server's two listeners. */
    private record Server(InetSocketAddress plain, InetSocketAddress tls) {
        static Server onLoopback(int plain, int tls) {
            return new Server(new InetSocketAddress("127.0.0.1", plain), new InetSocketAddress("127.0.0.1", tls));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed; apt-get install nginx to run this");
        ca = TestCertificates.create(dir);
        Issued fallback = ca.issue("default.test").write();
        Issued a = ca.issue("a.test").write();
        Issued b = ca.issue("*.b.test").write();
        Issued c = ca.issue("c.test").rsa().write();
        Issued v = ca.issue("v.test").write();

        viaNginx = Server.onLoopback(UnusedPort.next(), UnusedPort.next());
        int tls = viaNginx.tls().getPort();
        int plain = viaNginx.plain().getPort();
        // One server block per name, as Gatehouse's vhosts below. v.test verifies client certificates (optional,
        // so a client without one is served): the only server nginx answers 421 for.
        String conf = """
                daemon off; master_process off; worker_processes 1; pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 64; }
                http {
                  access_log off; default_type text/plain;
                  client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/f;
                  uwsgi_temp_path %1$s/u; scgi_temp_path %1$s/s;
                  server { listen 127.0.0.1:%2$d ssl http2 default_server; listen 127.0.0.1:%3$d default_server;
                           server_name default.test; %4$s return 200 "default\\n"; }
                  server { listen 127.0.0.1:%2$d ssl http2; listen 127.0.0.1:%3$d; server_name a.test; %5$s
                           location /.well-known/acme-challenge/ { return 200 "a\\n"; }
                           location / {
                             if ($scheme = https) { return 200 "a\\n"; }
                             if ($request_method !~ ^(GET|HEAD)$) { return 308 https://$host:%2$d$request_uri; }
                             return 301 https://$host:%2$d$request_uri;
                           } }
                  server { listen 127.0.0.1:%2$d ssl http2; listen 127.0.0.1:%3$d; server_name *.b.test; %6$s
                           return 200 "b\\n"; }
                  server { listen 127.0.0.1:%2$d ssl http2; server_name c.test; %7$s return 200 "c\\n"; }
                  server { listen 127.0.0.1:%2$d ssl http2; server_name v.test; %8$s
                           ssl_verify_client optional; ssl_client_certificate %9$s; return 200 "v\\n"; }
                }
                """.formatted(dir, tls, plain, sslCertificate(fallback), sslCertificate(a), sslCertificate(b),
                sslCertificate(c), sslCertificate(v), ca.caFile());
        Path confFile = Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        ExternalServer.awaitListening(nginx, tls, dir.resolve("nginx.out"));
        ExternalServer.awaitListening(nginx, plain, dir.resolve("nginx.out"));

        Server ports = Server.onLoopback(UnusedPort.next(), UnusedPort.next());
        // The same sites: each vhost's own certificate (nginx's ssl_certificate in its server block), the default
        // server's in the top-level list, which a name no vhost pins and no SNI at all get.
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:%1$d", "127.0.0.1:%2$d tls"]
                accessLog: { path: "off" }
                tls:
                  certificates: [%3$s]
                vhosts:
                  - hosts: [default.test, "*"]
                    routes: [{ respond: { status: 200, body: "default\\n" } }]
                  - hosts: [a.test]
                    tls: { certificate: %4$s, redirect: true }
                    routes: [{ respond: { status: 200, body: "a\\n" } }]
                  - hosts: ["*.b.test"]
                    tls: { certificate: %5$s }
                    routes: [{ respond: { status: 200, body: "b\\n" } }]
                  - hosts: [c.test]
                    listen: ["127.0.0.1:%2$d tls"]
                    tls: { certificate: %6$s }
                    routes: [{ respond: { status: 200, body: "c\\n" } }]
                  - hosts: [v.test]
                    listen: ["127.0.0.1:%2$d tls"]
                    tls: { certificate: %7$s }
                    routes: [{ respond: { status: 200, body: "v\\n" } }]
                """.formatted(ports.plain().getPort(), ports.tls().getPort(), yamlPair(fallback), yamlPair(a),
                yamlPair(b), yamlPair(c), yamlPair(v)));
        gatehouse = Gateway.start(GatewayConfig.load(yaml));
        viaGatehouse = ports;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gatehouse != null) {
            gatehouse.stop(Duration.ofSeconds(1));
        }
        ExternalServer.stop(nginx);
    }

    private static String sslCertificate(Issued issued) {
        return "ssl_certificate " + issued.certificate() + "; ssl_certificate_key " + issued.key() + ";";
    }

    private static String yamlPair(Issued issued) {
        return "{ cert: \"" + issued.certificate() + "\", key: \"" + issued.key() + "\" }";
    }

    /**
     * One case: the SNI name (null: none), the request's Host and bytes (null for a handshake alone), Gatehouse's
     * documented answer, and {@code difference} null when nginx must answer the same, else why it does not.
     */
    private record Case(String what, String sni, String host, String request, String gatehouse, String difference) {
        Case differs(String why) {
            return new Case(what, sni, host, request, gatehouse, why);
        }
    }

    /** What one server answers to one case. */
    private interface Probe {
        String answer(Server server, Case c) throws IOException;
    }

    /** Asks both servers each case, asserts Gatehouse's answers and the agreements, and writes the table. */
    private static void compare(String name, String columns, List<Case> cases, Probe probe) throws IOException {
        List<String> table = new ArrayList<>(List.of("| " + columns + " | nginx | Gatehouse | Verdict |",
                "|" + "---|".repeat(columns.split("\\|").length + 3)));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            String theirs = probe.answer(viaNginx, c);
            String ours = probe.answer(viaGatehouse, c);
            String verdict = theirs.equals(ours) ? "same" : c.difference() == null ? "**UNEXPECTED**"
                    : "on purpose: " + c.difference();
            if (!ours.equals(c.gatehouse())) {
                verdict = "**Gatehouse should answer " + c.gatehouse() + "**";
            }
            if (verdict.startsWith("**")) {
                wrong.add(c.what());
            }
            table.add("| " + c.what() + " | " + theirs + " | " + ours + " | " + verdict + " |");
        }
        String markdown = String.join("\n", table) + "\n";
        System.out.println(markdown);
        Files.writeString(Path.of("target", "nginx-tls-diff-" + name + ".md"), markdown);
        assertEquals(List.of(), wrong, markdown);
    }

    private static Case sni(String what, String sni, String certificate) {
        return new Case(what + " (" + (sni == null ? "no SNI" : "`" + sni + "`") + ")", sni, null, null, certificate, null);
    }

    @Test
    void eachSniNameGetsTheCertificateNginxPresents() throws IOException {
        compare("certificates", "SNI", List.of(
                sni("exact name", "a.test", "a.test"),
                sni("exact name, RSA certificate", "c.test", "c.test"),
                sni("name a wildcard covers", "x.b.test", "*.b.test"),
                // Both route the name to the *.b.test site; its certificate then does not cover it (see the 421s).
                sni("two labels under a wildcard", "y.x.b.test", "*.b.test"),
                sni("the wildcard's own parent", "b.test", "default.test"),
                sni("name no certificate covers", "unknown.test", "default.test"),
                sni("no name", null, "default.test"),
                sni("upper case", "A.TEST", "a.test"),
                sni("upper case under a wildcard", "X.B.Test", "*.b.test")),
                (server, c) -> presented(server, c.sni()));
    }

    /**
     * The common name of the leaf certificate {@code server} presents to {@code sni} (none when null): one of the
     * test's, as the client trusts the test CA only.
     */
    private static String presented(Server server, String sni) throws IOException {
        try (SSLSocket socket = connect(server, sni)) {
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return leaf.getSubjectX500Principal().getName().substring("CN=".length());
        }
    }

    /**
     * A TLS connection to {@code server} naming {@code sni} (none when null), with a new client context each time:
     * the JDK would resume the last session to the same address, certificate included, whatever name it asks for.
     */
    private static SSLSocket connect(Server server, String sni) throws IOException {
        return TlsClient.connect(ca.clientContext(), server.tls(), sni, "http/1.1");
    }

    private static Case request(String sni, String host, String gatehouse) {
        String what = (sni == null ? "no SNI" : "SNI `" + sni + "`") + ", Host `" + host + "`";
        return new Case(what, sni, host, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", gatehouse, null);
    }

    @Test
    void aHostTheConnectionsCertificateDoesNotCoverGets421() throws IOException {
        compare("421", "Request", List.of(
                request("a.test", "a.test", "200 a"),
                request("A.TEST", "a.test:443", "200 a"),
                request("x.b.test", "y.b.test", "200 b"),
                request("default.test", "default.test", "200 default"),
                request("a.test", "c.test", "421").differs(COALESCING),
                request("c.test", "a.test", "421").differs(COALESCING),
                // nginx's own 421: the Host's server verifies client certificates, and SNI named another.
                request("a.test", "v.test", "421"),
                request("v.test", "v.test", "200 v"),
                request(null, "a.test", "421").differs(NOT_COVERED + "; nginx checks nothing without SNI"),
                request(null, "default.test", "200 default"),
                request("unknown.test", "unknown.test", "421").differs(NOT_COVERED),
                request("y.x.b.test", "y.x.b.test", "421").differs(NOT_COVERED
                        + " (a wildcard covers one label)")),
                (server, c) -> {
                    try (SSLSocket socket = connect(server, c.sni())) {
                        TlsClient.write(socket, c.request());
                        return outcome(RawHttp.read(socket), server);
                    }
                });
    }

    @Test
    void overHttp2TheAuthorityIsCheckedAsTheHost() throws IOException {
        // Coalescing is an HTTP/2 habit: the :authority of a request on a connection opened for another name.
        compare("421-h2", "HTTP/2 request (curl)", List.of(
                request("a.test", "a.test", "200 a"),
                request("x.b.test", "y.b.test", "200 b"),
                request("a.test", "c.test", "421").differs(COALESCING),
                request("a.test", "v.test", "421")),
                (server, c) -> {
                    String output = curl(server, c);
                    int last = output.lastIndexOf('\n');
                    String status = output.substring(last + 1);
                    assertTrue(status.startsWith("2 "), "not HTTP/2: " + output);
                    return status.equals("2 200") ? "200 " + output.substring(0, last).strip() : status.substring(2);
                });
    }

    /** curl's output for the case over HTTP/2: SNI its {@code sni}, {@code :authority} the request's Host. */
    private static String curl(Server server, Case c) throws IOException {
        try {
            return TlsClient.curl(ca, c.sni(), server.tls().getPort(), "/", "--http2", "-H", "Host: " + c.host());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static Case plain(String method, String host, String target, String gatehouse) {
        String body = method.equals("POST") || method.equals("PUT") ? "Content-Length: 5\r\n\r\nhello" : "\r\n";
        return new Case("`" + method + " " + target + "`, Host `" + host + "`", null, host,
                method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + body, gatehouse, null);
    }

    @Test
    void plainHttpIsRedirectedToHttpsAsNginxsReturn301And308() throws IOException {
        String https = "https://a.test:TLS";
        compare("redirect", "Plain HTTP request", List.of(
                plain("GET", "a.test", "/", "301 → " + https + "/"),
                plain("HEAD", "a.test", "/", "301 → " + https + "/"),
                plain("GET", "a.test", "/p%20a/b?x=%2F&y", "301 → " + https + "/p%20a/b?x=%2F&y"),
                plain("GET", "A.Test:8080", "/x", "301 → " + https + "/x"),
                plain("GET", "a.test", "http://a.test/abs?q", "301 → " + https + "/abs?q"),
                plain("POST", "a.test", "/form", "308 → " + https + "/form"),
                plain("PUT", "a.test", "/form", "308 → " + https + "/form"),
                plain("DELETE", "a.test", "/x", "308 → " + https + "/x"),
                plain("OPTIONS", "a.test", "/x", "308 → " + https + "/x"),
                plain("GET", "a.test", "/.well-known/acme-challenge/token", "200 a"),
                plain("POST", "a.test", "/.well-known/acme-challenge/token", "200 a"),
                plain("GET", "x.b.test", "/", "200 b"),
                plain("GET", "unknown.test", "/", "200 default")),
                (server, c) -> outcome(RawHttp.exchangeToClose(server.plain(), c.request()), server));
    }

    /**
     * The status, then the Location (the server's TLS port written {@code TLS}) or, for a 200, the body's site.
     */
    private static String outcome(RawHttp.Response response, Server server) {
        String location = response.header("Location");
        if (location != null) {
            return response.status() + " → " + location.replace(":" + server.tls().getPort(), ":TLS");
        }
        return response.status() == 200 ? "200 " + response.body().strip() : String.valueOf(response.status());
    }
}
