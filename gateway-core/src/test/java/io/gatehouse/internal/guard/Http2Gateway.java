package io.gatehouse.internal.guard;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.Action;
import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.Timeouts;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp2;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLSocket;

/**
 * The real gateway on one loopback listener speaking HTTP/2 through either front door ({@link Front}), one vhost for
 * every host. Both doors lead to the same HTTP/2 connection, but reach it differently (an h2c listener reads the
 * preface itself, a TLS one learns HTTP/2 from ALPN), so every raw-frame test runs through both.
 */
final class Http2Gateway implements AutoCloseable {

    /** How a client reaches HTTP/2. */
    enum Front {
        /** An {@code h2c} listener, the client sending the preface with prior knowledge. */
        H2C(new ListenAddress("127.0.0.1", 0, false, true)),
        /** A {@code tls} listener, the client offering only {@code h2} through ALPN. */
        TLS(new ListenAddress("127.0.0.1", 0, true, false));

        private final ListenAddress listen;

        Front(ListenAddress listen) {
            this.listen = listen;
        }
    }

    /** Every name the tests send (a, a.test, b): a request the certificate does not cover would get 421. */
    private static final class Certificates {
        static final TestCertificates CA;
        static final TlsConfig TLS;

        static {
            try {
                Path dir = Files.createTempDirectory("http2-gateway");
                CA = TestCertificates.create(dir);
                TestCertificates.Issued issued = CA.issue("a", "a.test", "b").write();
                // Deleted at exit in the reverse order of these calls: the directory last, once it is empty.
                for (Path file : List.of(dir, dir.resolve("ca.pem"), issued.certificate(), issued.key())) {
                    file.toFile().deleteOnExit();
                }
                TLS = new TlsConfig(List.of(new CertificateFiles(issued.certificate(), issued.key())),
                        TlsConfig.DEFAULT_PROTOCOLS, TlsConfig.DEFAULT_CIPHERS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Front front;
    private final Gateway gateway;
    /** The backend this gateway proxies to and closes with itself, or null. */
    private final RawBackend backend;

    private Http2Gateway(Front front, Gateway gateway, RawBackend backend) {
        this.front = front;
        this.gateway = gateway;
        this.backend = backend;
    }

    /**
     * Proxying to a new recording backend answering 200 (see {@link #backend()}), with {@link GuardedGateway}'s
     * limits and timeouts; {@link #close()} closes both. Unchecked, so a test's field can be one (JUnit makes a
     * test instance per test).
     */
    static Http2Gateway withBackend() {
        return withBackend(Front.H2C);
    }

    /** Like {@link #withBackend()}, through {@code front}. */
    static Http2Gateway withBackend(Front front) {
        return withBackend(front, RawBackend.OK);
    }

    /** Like {@link #withBackend(Front)}, the backend answering every request with {@code response}. */
    static Http2Gateway withBackend(Front front, String response) {
        RawBackend backend;
        try {
            backend = RawBackend.answering(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Http2Gateway(front, start(front, GuardedGateway.proxy(backend.port()), GuardedGateway.LIMITS,
                GuardedGateway.TIMEOUTS, null), backend);
    }

    static Http2Gateway serving(Action action, Limits limits, Timeouts timeouts) {
        return serving(Front.H2C, action, limits, timeouts);
    }

    /** Like {@link #serving(Action, Limits, Timeouts)}, through {@code front}. */
    static Http2Gateway serving(Front front, Action action, Limits limits, Timeouts timeouts) {
        return new Http2Gateway(front, start(front, action, limits, timeouts, null), null);
    }

    /** Like {@link #serving(Action, Limits, Timeouts)}, recording the gateway's meters in {@code registry}. */
    static Http2Gateway serving(Action action, Limits limits, Timeouts timeouts, MeterRegistry registry) {
        return new Http2Gateway(Front.H2C, start(Front.H2C, action, limits, timeouts, registry), null);
    }

    private static Gateway start(Front front, Action action, Limits limits, Timeouts timeouts, MeterRegistry registry) {
        GatewayConfig config = config(front, action, limits, timeouts);
        return registry == null ? Gateway.start(config) : Gateway.start(config, registry);
    }

    private static GatewayConfig config(Front front, Action action, Limits limits, Timeouts timeouts) {
        GatewayConfig plain = Configs.gateway(List.of(front.listen), ForwardedConfig.DEFAULTS, timeouts, limits,
                AccessLogConfig.OFF_CONFIG, Configs.vhost("site", List.of("*"), List.of(), action));
        return front == Front.H2C ? plain : new GatewayConfig(plain.listen(), plain.forwarded(), plain.timeouts(),
                plain.limits(), plain.accessLog(), plain.shutdown(), plain.vhosts(), plain.source(), plain.admin(),
                plain.pidFile(), plain.watch(), plain.log(), Certificates.TLS);
    }

    /** Reloads the same listener (as configured: port 0) with {@code action}, {@code limits} and {@code timeouts}. */
    void reload(Action action, Limits limits, Timeouts timeouts) {
        gateway.reload(config(front, action, limits, timeouts));
    }

    /** The backend of {@link #withBackend()}. */
    RawBackend backend() {
        return backend;
    }

    InetSocketAddress address() {
        return gateway.addresses().get(0);
    }

    /**
     * A new HTTP/2 connection, preface and SETTINGS sent: with prior knowledge on h2c, after a handshake (SNI
     * {@code a}) that chose {@code h2} on TLS.
     */
    RawHttp2 connect() throws IOException {
        if (front == Front.H2C) {
            return RawHttp2.connect(address());
        }
        SSLSocket socket = TlsClient.connect(Certificates.CA.clientContext(), address(), "a", "h2");
        if (!"h2".equals(socket.getApplicationProtocol())) {
            socket.close();
            throw new IllegalStateException("ALPN chose " + socket.getApplicationProtocol() + ", not h2");
        }
        return RawHttp2.start(socket);
    }

    /** Stops the gateway, which ends every backend connection, and leaves the backend running. */
    void stopGateway() {
        gateway.stop(Duration.ofSeconds(1));
    }

    @Override
    public void close() throws IOException {
        stopGateway();
        if (backend != null) {
            backend.close();
        }
    }
}
