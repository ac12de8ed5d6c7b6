package io.gatehouse;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A reload that keeps a bound port but changes what it speaks ({@code tls}, {@code h2c}) cannot take the port over
 * from the gateway's own socket: it is refused with a message that says a restart is needed, and the old listener
 * serves on unchanged.
 */
@Timeout(60)
class ReloadChangingWhatAListenerSpeaksTest {

    @TempDir
    Path dir;

    private String certificate;
    private String key;
    private int port;
    private Gateway gateway;

    @BeforeEach
    void certificate() throws Exception {
        TestCertificates.Issued issued = TestCertificates.create(dir).issue("a.test").write();
        certificate = issued.certificate().toString();
        key = issued.key().toString();
        port = UnusedPort.next();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private GatewayConfig listening(String flags) throws ConfigException {
        return GatewayConfig.builder().listen("127.0.0.1:" + port + flags)
                .tls(t -> t.certificate(certificate, key))
                .vhost(v -> v.hosts("a.test").echo()).build();
    }

    private void assertRefusedNeedingARestart(String from, String to) throws Exception {
        GatewayConfig before = listening(from);
        gateway = Gateway.start(before);

        ListenerBindException refused = assertThrows(ListenerBindException.class, () -> gateway.reload(listening(to)));

        assertEquals("cannot listen on 127.0.0.1:" + port + to + ": 127.0.0.1:" + port + " speaks "
                        + speech(from) + " and would speak " + speech(to) + ", which needs a restart",
                refused.getMessage());
        assertSame(before, gateway.config());
    }

    private static String speech(String flags) {
        return flags.isEmpty() ? "plain HTTP" : flags.equals(" tls") ? "tls" : "h2c";
    }

    @Test
    void plainToTlsIsRefusedAndThePlainListenerServesOn() throws Exception {
        assertRefusedNeedingARestart("", " tls");

        RawHttp.Response response = RawHttp.exchange(gateway.addresses().get(0),
                "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status());
    }

    @Test
    void tlsToPlainIsRefused() throws Exception {
        assertRefusedNeedingARestart(" tls", "");
    }

    @Test
    void addingH2cIsRefused() throws Exception {
        assertRefusedNeedingARestart("", " h2c");
    }

    @Test
    void removingH2cIsRefused() throws Exception {
        assertRefusedNeedingARestart(" h2c", "");
    }
}
