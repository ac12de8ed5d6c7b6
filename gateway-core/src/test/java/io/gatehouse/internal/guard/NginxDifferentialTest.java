package io.gatehouse.internal.guard;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The malformed inputs of {@link RequestFramingTest}, {@link SmugglingTest} and the backend-response cases of
 * {@code proxy/BackendResponseTest}, sent to a real nginx (default proxy settings) and to Gatehouse, each proxying to
 * its own recording raw backend. Writes a Markdown table (status lines the client got, requests the backend got) to
 * {@code target/nginx-diff.md}; {@code bench/hardening-diff/run.sh} runs it. Skipped without {@code /usr/sbin/nginx}.
 * Asserted: whenever nginx refuses an input, Gatehouse refuses it too and forwards nothing of it (a well-framed
 * request pipelined after a refused bodiless one may be answered on the same connection).
 */
@Timeout(180)
@EnabledIf(value = "nginxInstalled", disabledReason = "nginx is not installed; apt-get install nginx to run this")
class NginxDifferentialTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String POST = "POST / HTTP/1.1\r\nHost: a\r\n";
    private static final String CHUNKED = POST + "Transfer-Encoding: chunked\r\n\r\n";

    /** Backend answers by path for the response cases: /r/name gets RESPONSES.get(name). */
    private static final Map<String, String> RESPONSES = new LinkedHashMap<>();

    static {
        RESPONSES.put("Content-Length: 2x", "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok");
        RESPONSES.put("Content-Length: +2", "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok");
        RESPONSES.put("Content-Length: -1", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok");
        RESPONSES.put("Content-Length twice (2, 2)", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok");
        RESPONSES.put("Content-Length 2 then 3", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok");
        RESPONSES.put("Transfer-Encoding chunked + Content-Length", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        RESPONSES.put("Transfer-Encoding: gzip, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + "2\r\nok\r\n0\r\n\r\n");
        RESPONSES.put("status 2000", "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok");
        RESPONSES.put("status 099", "HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok");
        RESPONSES.put("HTTP/2.0 status line", "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
        RESPONSES.put("truncated Content-Length (10, 2 sent)", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok");
        RESPONSES.put("truncated chunked (no last chunk)", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n");
    }

    /** nginx's prefix: its configuration, logs and temporary files; kept when a test fails, for its error.log. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static Process nginx;
    private static int nginxPort;
    private static RawBackend nginxBackend;
    private static RawBackend gatehouseBackend;
    private static ServerSocket responseBackend;
    private static int nginxResponsePort;
    private static GuardedGateway gatehouseResponses;

    @BeforeAll
    static void start() throws Exception {
        nginxBackend = RawBackend.answering(RawBackend.OK);
        gatehouseBackend = RawBackend.answering(RawBackend.OK);
        responseBackend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread responder = new Thread(NginxDifferentialTest::respondByPath, "response-backend");
        responder.setDaemon(true);
        responder.start();
        gatehouseResponses = GuardedGateway.proxyingTo(responseBackend.getLocalPort());
        nginxPort = UnusedPort.next();
        nginxResponsePort = UnusedPort.next();
        String conf = "daemon off; master_process off; worker_processes 1; pid " + dir + "/nginx.pid;\n"
                + "error_log " + dir + "/error.log info;\nevents { worker_connections 256; }\n"
                + "http { access_log off; client_body_temp_path " + dir + "/body; proxy_temp_path " + dir + "/proxy;\n"
                + "  fastcgi_temp_path " + dir + "/f; uwsgi_temp_path " + dir + "/u; scgi_temp_path " + dir + "/s;\n"
                + "  server { listen 127.0.0.1:" + nginxPort + "; location / { proxy_pass http://127.0.0.1:"
                + nginxBackend.port() + "; } }\n"
                + "  server { listen 127.0.0.1:" + nginxResponsePort + "; location / { proxy_pass http://127.0.0.1:"
                + responseBackend.getLocalPort() + "; } }\n}\n";
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        awaitListening(nginxPort);
        awaitListening(nginxResponsePort);
    }

    static boolean nginxInstalled() {
        return Files.isExecutable(NGINX);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (gatehouseResponses != null) {
            gatehouseResponses.close();
            nginxBackend.close();
            gatehouseBackend.close();
            responseBackend.close();
        }
    }

    /** Name to request bytes; each request is followed by {@link #SMUGGLED} when sent. */
    private static Map<String, String> requestInputs() {
        Map<String, String> in = new LinkedHashMap<>();
        String[] framing = {
                "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                "Content-Length: 1\r\nContent-Length: 1\r\n", "Content-Length: 1, 1\r\n", "Content-Length: +5\r\n",
                "Content-Length: -1\r\n", "Content-Length: 0x10\r\n", "Content-Length: 1e3\r\n",
                "Content-Length: 99999999999999999999999\r\n", "Content-Length: \r\n",
                "Transfer-Encoding: chunked, chunked\r\n", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                "Transfer-Encoding: \r\n", "Transfer-Encoding: chunked;x\r\n",
        };
        for (String headers : framing) {
            in.put(headers.trim().replace("\r\n", " / "), POST + headers + "\r\nhello");
        }
        for (String coding : new String[]{"gzip", "foo", "xchunked", "gzip, chunked", "identity"}) {
            in.put("Transfer-Encoding: " + coding, POST + "Transfer-Encoding: " + coding + "\r\n\r\n0\r\n\r\n");
        }
        in.put("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        String[] chunks = {
                "0_2e\r\n\r\n", "3_junk\r\nabc\r\n0\r\n\r\n", "0x3\r\nabc\r\n0\r\n\r\n", " 3\r\nabc\r\n0\r\n\r\n",
                "3 \r\nabc\r\n0\r\n\r\n", "00000000000000003\r\nabc\r\n0\r\n\r\n", "-3\r\nabc\r\n0\r\n\r\n",
                "3\r\nabcX\r\n0\r\n\r\n", "3\nabc\r\n0\r\n\r\n", "3\rabc\r\n0\r\n\r\n", "3;\r\nabc\r\n0\r\n\r\n",
                "3;=x\r\nabc\r\n0\r\n\r\n", "0\r\nbad trailer\r\n\r\n",
        };
        for (String body : chunks) {
            in.put("chunked body " + body.substring(0, body.indexOf('\n') + 1).replace("\r", "\\r").replace("\n", "\\n")
                    + (body.startsWith("0\r\nbad") ? " + trailer without colon" : body.startsWith("3\r\nabcX") ? " data not followed by CRLF" : ""),
                    CHUNKED + body);
        }
        String[] fields = {
                "Foo: bar\r\n folded\r\n", "Foo : bar\r\n", "Foo\t: bar\r\n", "Fo(o: bar\r\n", ": bar\r\n", "Foo bar\r\n",
                "Foo: b\0ar\r\n", "Foo: b\rar\r\n", "Foo: b\u007far\r\n", "Host: b\r\n",
        };
        for (String field : fields) {
            in.put("header " + field.trim().replace("\r\n", "\\r\\n").replace("\r", "\\r").replace("\0", "NUL")
                    .replace("\u007f", "DEL").replace("\t", "TAB") + (field.startsWith("Host") ? " (second Host)" : ""),
                    "GET / HTTP/1.1\r\nHost: a\r\n" + field + "\r\n");
        }
        for (String line : new String[]{"GET * HTTP/1.1", "GET foo HTTP/1.1", "GET  / HTTP/1.1", "GET / HTTP/1.1 ",
                "GET /\ta HTTP/1.1", "GET / HTTP/1.x", "GET ftp://a/ HTTP/1.1", "GET / HTTP/2.0", "CONNECT a:443 HTTP/1.1"}) {
            in.put("request line `" + line.replace("\t", "TAB") + "`", line + "\r\nHost: a\r\n\r\n");
        }
        in.put("bare LF line endings", "GET / HTTP/1.1\nHost: a\n\n");
        in.put("missing Host (HTTP/1.1)", "GET / HTTP/1.1\r\n\r\n");
        in.put("Expect: 200-ok", POST + "Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx");
        for (String host : new String[]{"..", "%2e%2e", "a\u0001b", "a:99999", "a:x"}) {
            in.put("Host `" + host.replace("\u0001", "\\x01") + "`", "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        }
        in.put("CL.TE, request after the last chunk", POST + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX");
        in.put("TE.CL, request inside a chunk", POST + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n");
        in.put("Transfer_Encoding: chunked + Content-Length: 4", POST + "Content-Length: 4\r\nTransfer_Encoding: chunked\r\n\r\n0\r\n\r\n");
        in.put("valid request, then bad chunked, pipelined", "GET /first HTTP/1.1\r\nHost: a\r\n\r\n" + CHUNKED + "0_2e\r\n\r\n");
        return in;
    }

    private record Outcome(String statuses, List<String> forwarded) {
        /** Answered with an error first, and nothing forwarded but the well-framed pipelined request after it. */
        boolean refused() {
            return !statuses.startsWith("2") && !statuses.startsWith("no response")
                    && forwarded.stream().allMatch(f -> f.startsWith("`GET /smuggled`"));
        }

        String cell() {
            return statuses + "; backend: " + (forwarded.isEmpty() ? "nothing" : String.join(", ", forwarded));
        }
    }

    @Test
    void gatehouseRefusesEverythingNginxRefusesAndTheTableIsWritten() throws Exception {
        StringBuilder md = new StringBuilder("| Input | nginx | Gatehouse |\n|---|---|---|\n");
        List<String> laxer = new ArrayList<>();
        for (Map.Entry<String, String> input : requestInputs().entrySet()) {
            String bytes = input.getValue() + SMUGGLED;
            // nginx keeps no upstream connection alive here, so its backend connections end with the request.
            Outcome viaNginx = outcome(nginxPort, bytes, nginxBackend, () -> { });
            Outcome viaGatehouse;
            try (GuardedGateway gatehouse = GuardedGateway.proxyingTo(gatehouseBackend.port())) {
                viaGatehouse = outcome(gatehouse.address().getPort(), bytes, gatehouseBackend, gatehouse::close);
            }
            md.append("| ").append(input.getKey().replace("|", "\\|")).append(" | ").append(viaNginx.cell())
                    .append(" | ").append(viaGatehouse.cell()).append(" |\n");
            if (viaNginx.refused() && !viaGatehouse.refused()) {
                laxer.add(input.getKey());
            }
        }
        md.append("\n| Backend sends | nginx | Gatehouse |\n|---|---|---|\n");
        int n = 0;
        for (String name : RESPONSES.keySet()) {
            String request = "GET /r/" + n++ + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
            md.append("| ").append(name).append(" | ").append(response(nginxResponsePort, request)).append(" | ")
                    .append(response(gatehouseResponses.address().getPort(), request)).append(" |\n");
        }
        Path out = Path.of("target", "nginx-diff.md");
        Files.writeString(out, md);
        System.out.println(md);
        assertTrue(laxer.isEmpty(), "nginx refuses, Gatehouse forwards: " + laxer);
    }

    /**
     * Sends {@code bytes}, collects the status lines until the server closes (or 2 s of silence), then lets the proxy
     * go ({@code letGo}) and takes the backend's haul once every backend connection has ended: all it will ever get.
     */
    private static Outcome outcome(int port, String bytes, RawBackend backend, Runnable letGo) throws Exception {
        backend.drain();
        String all = exchange(port, bytes);
        Matcher status = Pattern.compile("HTTP/1\\.[01] (\\d{3})").matcher(all);
        List<String> statuses = new ArrayList<>();
        while (status.find()) {
            statuses.add(status.group(1));
        }
        String closed = all.endsWith("\u0000open") ? ", left open" : ", closed";
        letGo.run();
        backend.awaitEveryConnectionEnded();
        List<String> forwarded = new ArrayList<>();
        for (RawBackend.Received received : backend.drain()) {
            String line = received.head().substring(0, received.head().indexOf("\r\n"));
            forwarded.add("`" + line.substring(0, line.lastIndexOf(' ')) + "`"
                    + (received.body().length > 0 ? " +" + received.body().length + "B" : ""));
        }
        return new Outcome((statuses.isEmpty() ? "no response" : String.join(" ", statuses)) + closed, forwarded);
    }

    /** Status line and what the client got of the body, for a backend-response case. */
    private static String response(int port, String request) throws IOException {
        String all = exchange(port, request);
        boolean open = all.endsWith("\u0000open");
        if (open) {
            all = all.substring(0, all.length() - 5);
        }
        if (all.isEmpty()) {
            return "no response" + (open ? ", left open" : ", closed");
        }
        int headEnd = all.indexOf("\r\n\r\n");
        String statusLine = all.substring(0, all.indexOf("\r\n"));
        String body = headEnd < 0 ? "" : all.substring(headEnd + 4);
        String framing = headEnd < 0 ? "" : all.substring(0, headEnd).lines()
                .filter(l -> l.toLowerCase().startsWith("content-length") || l.toLowerCase().startsWith("transfer-encoding"))
                .reduce((a, b) -> a + ", " + b).map(f -> " [" + f + "]").orElse("");
        return "`" + statusLine.substring(9) + "`" + framing + ", body `" + body.replace("\r", "\\r").replace("\n", "\\n").replace("|", "\\|")
                + "`" + (open ? ", left open" : ", closed");
    }

    /** Everything the server sent until it closed, with a {@code \0open} marker when it was still open after 2 s. */
    private static String exchange(int port, String bytes) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    got.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return got.toString(StandardCharsets.ISO_8859_1) + "\u0000open";
            } catch (IOException e) {
                // reset: count as closed
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void respondByPath() {
        List<String> answers = new ArrayList<>(RESPONSES.values());
        while (!responseBackend.isClosed()) {
            try (Socket socket = responseBackend.accept()) {
                String head = RawBackend.readHead(socket.getInputStream());
                if (head == null) {
                    continue;
                }
                String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                OutputStream out = socket.getOutputStream();
                out.write(answers.get(Integer.parseInt(path.substring(3))).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException | RuntimeException e) {
                // next connection
            }
        }
    }

    private static void awaitListening(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx did not start; see " + dir.resolve("error.log"));
    }
}
