package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.TestCertificates;

import io.gatehouse.config.Limits;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.util.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class BodyStreamingTest {

    private static final int FIVE_MIB = 5 * 1024 * 1024;
    private static final byte[] PAYLOAD = payload();

    private static byte[] payload() {
        byte[] bytes = new byte[FIVE_MIB];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** An Undertow backend: POST answers the SHA-256 and length of the body it streamed in; GET sends the payload. */
    private static Undertow digestBackend() {
        Undertow backend = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 64L * 1024 * 1024)
                .setHandler(exchange -> {
                    if (exchange.getRequestMethod().toString().equals("GET")) {
                        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, PAYLOAD.length);
                        exchange.getResponseSender().send(ByteBuffer.wrap(PAYLOAD));
                        return;
                    }
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    long[] length = {0};
                    exchange.getRequestReceiver().receivePartialBytes((ex, chunk, last) -> {
                        digest.update(chunk);
                        length[0] += chunk.length;
                        if (last) {
                            ex.getResponseSender().send(HexFormat.of().formatHex(digest.digest()) + " " + length[0]);
                        }
                    });
                })
                .build();
        backend.start();
        return backend;
    }

    private static int port(Undertow server) {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Test
    void fiveMebibyteUploadWithContentLengthArrivesIntact() throws Exception {
        Undertow backend = digestBackend();
        try (ProxyServer proxy = ProxyServer.start(ProxyServer.config(port(backend)))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(proxy.uri("/upload")).POST(HttpRequest.BodyPublishers.ofByteArray(PAYLOAD)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(sha256(PAYLOAD) + " " + FIVE_MIB, response.body());
        } finally {
            backend.stop();
        }
    }

    @Test
    void fiveMebibyteChunkedUploadArrivesIntact() throws Exception {
        Undertow backend = digestBackend();
        try (ProxyServer proxy = ProxyServer.start(ProxyServer.config(port(backend)))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(proxy.uri("/upload"))
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(PAYLOAD))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(sha256(PAYLOAD) + " " + FIVE_MIB, response.body());
        } finally {
            backend.stop();
        }
    }

    @Test
    void fiveMebibyteDownloadArrivesIntact() throws Exception {
        Undertow backend = digestBackend();
        try (ProxyServer proxy = ProxyServer.start(ProxyServer.config(port(backend)))) {
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(proxy.uri("/download")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals(FIVE_MIB, response.body().length);
            assertEquals(sha256(PAYLOAD), sha256(response.body()));
        } finally {
            backend.stop();
        }
    }

    @Test
    void responseBodyReachesTheClientBeforeTheBackendHasSentAllOfIt() throws Exception {
        CountDownLatch clientGotBytes = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
                 OutputStream out = socket.getOutputStream();
                 out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + FIVE_MIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                 out.write(PAYLOAD, 0, 1024 * 1024);
                 out.flush();
                 // Holds the rest back until the client has seen body bytes: a buffering proxy never delivers any.
                 await(clientGotBytes);
                 out.write(PAYLOAD, 1024 * 1024, FIVE_MIB - 1024 * 1024);
                 out.flush();
                 return true;
             });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(20_000);
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            RawBackend.readHead(in);
            byte[] first = in.readNBytes(1024);
            clientGotBytes.countDown();
            assertArrayEquals(PAYLOAD, concat(first, in.readAllBytes()));
        }
    }

    /**
     * Over TLS a write is taken into the connection's buffer whole while its socket may take only part of it; the
     * flush when the backend pauses then leaves the rest behind. It must reach the client all the same, not wait for
     * the backend's next bytes: a stream of server-sent events may stay quiet for minutes after an event. The event
     * here is one read of the relay and one TLS record, more than the listener's 8 KiB send buffer takes at once.
     */
    @Test
    void aPausedBodyReachesATlsClientWhoseSocketWasFullBeforeTheBackendGoesOn(@TempDir Path dir) throws Exception {
        byte[] event = Arrays.copyOf(PAYLOAD, 16_000);
        CountDownLatch clientHasTheHead = new CountDownLatch(1);
        CountDownLatch clientHasTheEvent = new CountDownLatch(1);
        TestCertificates ca = TestCertificates.create(dir);
        try (RawBackend backend = RawBackend.with(socket -> {
                 OutputStream out = socket.getOutputStream();
                 out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + (event.length + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                 out.flush();
                 // After the head has gone, so that the relay reads the event alone.
                 await(clientHasTheHead);
                 out.write(event);
                 out.flush();
                 // Waits longer than the client does: the end of the body must not be what brings the event out.
                 await(clientHasTheEvent);
                 out.write('.');
                 out.flush();
                 return true;
             });
             ProxyServer proxy = ProxyServer.startOverTls(ProxyServer.config(backend.port(), p -> p.readTimeout(Duration.ofSeconds(60))),
                     ca.issue("a.test").write().serverContext(), 4096);
             Socket client = ca.clientContext().getSocketFactory().createSocket()) {
            // A small window keeps the listener's segments small, so the record cannot slip into its send buffer whole.
            client.setReceiveBufferSize(4096);
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5_000);
            client.setSoTimeout(15_000);
            client.getOutputStream().write("GET /events HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            assertTrue(RawBackend.readHead(in).startsWith("HTTP/1.1 200 "));
            clientHasTheHead.countDown();

            assertArrayEquals(event, in.readNBytes(event.length));
            clientHasTheEvent.countDown();
            assertEquals('.', in.read());
        }
    }

    @Test
    void requestBodyReachesTheBackendBeforeTheClientHasSentAllOfIt() throws Exception {
        CountDownLatch backendGotBytes = new CountDownLatch(1);
        byte[][] received = new byte[1][];
        try (RawBackend backend = RawBackend.with(socket -> {
                 socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
                 return true;
             }, (socket, in) -> {
                 byte[] first = in.readNBytes(1024);
                 backendGotBytes.countDown();
                 byte[] rest = in.readNBytes(FIVE_MIB - 1024);
                 received[0] = concat(first, rest);
             });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(20_000);
            OutputStream out = client.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: " + FIVE_MIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(PAYLOAD, 0, 1024 * 1024);
            out.flush();
            // Holds the rest back until the backend has seen body bytes: a buffering proxy never sends any.
            assertTrue(backendGotBytes.await(20, TimeUnit.SECONDS), "the backend saw no body bytes");
            out.write(PAYLOAD, 1024 * 1024, FIVE_MIB - 1024 * 1024);
            out.flush();
            assertEquals(200, RawClient.status(new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)));
            backend.next();
            assertArrayEquals(PAYLOAD, received[0]);
        }
    }

    @Test
    void declaredBodyOverMaxBodyIsRejectedBeforeTheBackendIsContacted() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()), ProxyServer.TRUST_NOBODY, new Limits(1024, 16 * 1024, Limits.DEFAULT_MAX_HEADERS, Limits.DEFAULT_MAX_URI_BYTES, Limits.EncodedSlashes.REFUSE))) {
            String answer = RawClient.send(proxy.port(), "POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 1025\r\n\r\n");
            assertEquals(413, RawClient.status(answer));
            assertTrue(backend.receivedNothing());
        }
    }

    @Test
    void chunkedBodyGrowingOverMaxBodyIsCutOffAndNeverCompletesAtTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()), ProxyServer.TRUST_NOBODY, new Limits(1024, 16 * 1024, Limits.DEFAULT_MAX_HEADERS, Limits.DEFAULT_MAX_URI_BYTES, Limits.EncodedSlashes.REFUSE))) {
            String chunk = "x".repeat(600);
            String answer = RawClient.send(proxy.port(), "POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
            // Undertow 2.4.4 closes the connection when a chunked body passes MAX_ENTITY_SIZE; a 413 cannot be sent.
            assertEquals("", answer);
            assertTrue(backend.completedNoRequest());
        }
    }

    /** POSTs a chunked body written as {@code chunks} (with its last chunk) and returns what the backend received. */
    private static RawBackend.Received chunkedUploadAsReceived(String chunks) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String answer = RawClient.send(proxy.port(), "POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunks);
            assertEquals(200, RawClient.status(answer), answer);
            RawBackend.Received received = backend.next();
            assertTrue(received.head().toLowerCase(java.util.Locale.ROOT).contains("\r\ntransfer-encoding: chunked\r\n"), received.head());
            return received;
        }
    }

    @Test
    void emptyChunkedBodyReachesTheBackendWithItsLastChunk() throws Exception {
        // The head already told the backend "chunked": without the last chunk it would wait for the body forever.
        assertEquals(0, chunkedUploadAsReceived("0\r\n\r\n").body().length);
    }

    @Test
    void chunkedBodyArrivesWhole() throws Exception {
        assertEquals("abcde", new String(chunkedUploadAsReceived("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").body(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void backendThatAnswersAndThenDropsTheUploadNeverLeavesTheClientWaiting() throws Exception {
        // The backend answers without reading the body, and resets its connection once the client has the answer:
        // the rest of the upload has nowhere to go, so the client connection must close rather than hang.
        CountDownLatch clientHasTheAnswer = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
                 socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.ISO_8859_1));
                 socket.getOutputStream().flush();
                 await(clientHasTheAnswer);
                 socket.setSoLinger(true, 0);
                 return false;
             }, (socket, in) -> { });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(15_000);
            OutputStream out = client.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread uploader = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    while (true) {
                        out.write(chunk);
                    }
                } catch (java.io.IOException closed) {
                    // The proxy closed the connection: the upload ends here.
                }
            }, "uploader");
            uploader.setDaemon(true);
            uploader.start();
            InputStream in = client.getInputStream();
            String head = RawBackend.readHead(in);
            assertTrue(head != null && head.startsWith("HTTP/1.1 200 "), head);
            assertEquals("ok", new String(RawBackend.readBody(in, head), StandardCharsets.ISO_8859_1));
            clientHasTheAnswer.countDown();
            try {
                assertEquals(-1, in.read(), "nothing follows the answer");
            } catch (java.net.SocketException reset) {
                // A reset is a close too.
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
