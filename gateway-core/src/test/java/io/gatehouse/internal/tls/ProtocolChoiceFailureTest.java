package io.gatehouse.internal.tls;

import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.testing.HandDrivenTlsClient;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestCertificates;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TLS connection whose hand-over to its protocol fails with an unexpected exception (here the HTTP/1.1 side's
 * framing step, which the test makes throw) is closed with one DEBUG line, never left open: by then its handshake
 * deadline is off. A real TLS front door on a loopback port, a hand-driven client on a plain socket.
 */
@Timeout(60)
class ProtocolChoiceFailureTest {

    private static final String FAULT = "the framing step failed on purpose";

    @TempDir
    Path dir;

    private TestCertificates ca;
    private XnioWorker worker;
    private AcceptingChannel<StreamConnection> server;

    @BeforeEach
    void start() throws IOException {
        ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test").write();
        HandshakeSettings settings = new HandshakeSettings(ServerTls.load(new TlsConfig(
                List.of(new CertificateFiles(certificate.certificate(), certificate.key())),
                TlsConfig.DEFAULT_PROTOCOLS, TlsConfig.DEFAULT_CIPHERS), List.of()));
        DefaultByteBufferPool buffers = new DefaultByteBufferPool(true, 17 * 1024);
        TlsFrontDoor door = new TlsFrontDoor(buffers, new HttpOpenListener(buffers), connection -> {
            throw new IllegalStateException(FAULT);
        }, new Http2OpenListener(buffers));
        worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
        server = worker.createStreamConnectionServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                channel -> {
                    StreamConnection accepted;
                    while ((accepted = acceptOrNull(channel)) != null) {
                        door.accept(accepted, settings, Duration.ofSeconds(50));
                    }
                }, OptionMap.EMPTY);
        server.resumeAccepts();
    }

    private static StreamConnection acceptOrNull(AcceptingChannel<StreamConnection> channel) {
        try {
            return channel.accept();
        } catch (IOException e) {
            return null;
        }
    }

    @AfterEach
    void stop() {
        IoUtils.safeClose(server);
        worker.shutdownNow();
    }

    /** Handshakes, sends a request with the client's Finished, and waits for the server to close the connection. */
    private void requestAndAwaitClose() throws IOException {
        try (HandDrivenTlsClient client = HandDrivenTlsClient.upToFinished(ca.clientContext(),
                (InetSocketAddress) server.getLocalAddress(), "a.test", "http/1.1")) {
            client.sendFinishedWith("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
            client.awaitClose();
        }
    }

    @Test
    void aConnectionWhoseHandOverThrowsIsClosed() throws IOException {
        requestAndAwaitClose();
    }

    @Test
    void aHandOverThatThrowsIsOneDebugLineWithoutStackTrace() throws IOException {
        Logger tlsLogger = Logger.getLogger("io.gatehouse.internal.tls");
        Level before = tlsLogger.getLevel();
        tlsLogger.setLevel(Level.ALL);
        try (LogCapture tlsLog = LogCapture.on(tlsLogger); LogCapture xnio = LogCapture.on("org.xnio")) {
            requestAndAwaitClose();
            // Logged before the close the client has seen.
            assertEquals(1, tlsLog.records().size(), tlsLog.messages().toString());
            LogRecord line = tlsLog.records().get(0);
            assertTrue(line.getMessage().matches("/?127\\.0\\.0\\.1:\\d+: TLS connection closed, choosing its protocol "
                    + "failed: java.lang.IllegalStateException: " + FAULT), line.getMessage());
            assertEquals(Level.FINE, line.getLevel());
            assertNull(line.getThrown());
            assertEquals(List.of(), xnio.records().stream()
                    .filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(LogRecord::getMessage).toList(), "XNIO's own report of a listener that threw");
        } finally {
            tlsLogger.setLevel(before);
        }
    }
}
