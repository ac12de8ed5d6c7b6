package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.internal.tls.HandshakeSettings;
import io.gatehouse.testing.TestCertificates;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The gateway's real listeners, TLS ones included, on loopback ports, with TLS settings built from test
 * certificates: the listeners, generations and worker a {@link Gateway} would run, assembled here so that a test
 * can give the TLS settings itself.
 */
final class TlsGateway implements AutoCloseable {

    /** TLS 1.3 then 1.2, as the gateway's default. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The JDK's TLS 1.3 suites, then Mozilla's "intermediate" TLS 1.2 suites in IANA names. */
    static final List<String> CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final XnioWorker worker;
    private final GatewayLogs logs;
    private final GatewayOptions options;
    private final Listener.Shared shared;
    private final Map<ListenAddress, Listener> listeners = new LinkedHashMap<>();
    private final List<Generation> generations = new ArrayList<>();

    private TlsGateway(GatewayConfig config, GatewayOptions options) throws IOException {
        this.options = options;
        this.worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 2)
                .set(Options.WORKER_TASK_CORE_THREADS, 4)
                .set(Options.WORKER_TASK_MAX_THREADS, 4)
                .getMap());
        this.logs = new GatewayLogs(config.log().repeatInterval(), options.accessLogSink().orElse(null));
        this.shared = Listener.Shared.on(worker, 16 * 1024, logs.refusals(), options.meterRegistry().orElse(null));
    }

    /** Every listener of {@code config} bound, the TLS ones presenting what {@code tls} says. */
    static TlsGateway start(GatewayConfig config, HandshakeSettings tls) throws IOException {
        return start(config, tls, GatewayOptions.defaults());
    }

    static TlsGateway start(GatewayConfig config, HandshakeSettings tls, GatewayOptions options) throws IOException {
        TlsGateway gateway = new TlsGateway(config, options);
        try {
            Generation generation = gateway.generation(config, tls, null);
            for (ListenAddress address : config.allListeners()) {
                gateway.listeners.put(address, Listener.bind(address, generation, gateway.shared));
            }
            generation.committed();
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    /** Settings presenting {@code issued} (its chain: the leaf, then the test CA) to every client. */
    static HandshakeSettings presenting(TestCertificates ca, TestCertificates.Issued issued) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = "test".toCharArray();
            keys.setKeyEntry("server", issued.privateKey(), password, new Certificate[]{issued.leaf(), ca.ca()});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return new HandshakeSettings(context, PROTOCOLS, CIPHERS);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bound address of the first listener that is (or is not) TLS. */
    InetSocketAddress address(boolean tls) {
        return listeners.entrySet().stream().filter(entry -> entry.getKey().tls() == tls).findFirst()
                .orElseThrow().getValue().bound();
    }

    /**
     * Serves {@code config} and presents {@code tls} from now on, as a reload does: new connections handshake with
     * the new settings, open ones keep theirs. The listeners stay as they are.
     */
    void reload(GatewayConfig config, HandshakeSettings tls) {
        Generation previous = generations.get(generations.size() - 1);
        Generation next = generation(config, tls, previous);
        listeners.values().forEach(listener -> listener.switchTo(next));
        next.committed();
    }

    private Generation generation(GatewayConfig config, HandshakeSettings tls, Generation previous) {
        Generation generation = new Generation(config, options, logs, previous, Generation.Roots.PER_LISTENER, tls);
        generations.add(generation);
        return generation;
    }

    @Override
    public void close() {
        listeners.values().forEach(Listener::stopAccepting);
        listeners.values().forEach(Listener::closeConnections);
        shared.release();
        worker.shutdownNow();
        generations.forEach(Generation::close);
        logs.close();
    }
}
