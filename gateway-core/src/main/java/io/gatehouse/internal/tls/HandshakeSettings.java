package io.gatehouse.internal.tls;

import io.undertow.protocols.ssl.UndertowXnioSsl;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.StreamConnection;
import org.xnio.ssl.SslConnection;

import java.util.List;

import javax.net.ssl.SSLContext;

/**
 * What the server side of one TLS handshake uses: the context (certificates, chosen by SNI), the protocol versions
 * and the cipher suites to enable. One per configuration generation: a connection takes the settings current when
 * it is accepted and keeps them, so a reload gives new connections new certificates and leaves open ones alone.
 * Immutable and thread-safe.
 */
public final class HandshakeSettings {

    private final SSLContext context;
    private final OptionMap engineOptions;
    /** Made on first use, from the worker of the first connection: Undertow's factory of server-side TLS engines. */
    private volatile UndertowXnioSsl ssl;

    /**
     * @param context      the server context: its key manager picks the certificate
     * @param protocols    the protocol versions to enable, such as {@code TLSv1.3, TLSv1.2}
     * @param cipherSuites every suite to enable, TLS 1.3 ones included (a TLS 1.3 handshake fails without one); names
     *                     the JDK does not support are left out, as Undertow leaves them out
     */
    public HandshakeSettings(SSLContext context, List<String> protocols, List<String> cipherSuites) {
        this.context = context;
        this.engineOptions = OptionMap.builder()
                .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(protocols))
                .set(Options.SSL_ENABLED_CIPHER_SUITES, Sequence.of(cipherSuites))
                .getMap();
    }

    /** The context handshakes use. */
    public SSLContext context() {
        return context;
    }

    /**
     * The server side of TLS on {@code connection}, the handshake not started: it starts with the first read. Its
     * engine logs why the handshake failed, if it does ({@link ReportingEngine}).
     *
     * @param connection a freshly accepted connection, nothing read from it yet (or what was read pushed back)
     * @return the TLS connection over it
     */
    SslConnection wrap(StreamConnection connection) {
        UndertowXnioSsl factory = ssl;
        if (factory == null) {
            // The engine options are passed per connection; these are only the factory's defaults.
            factory = new UndertowXnioSsl(connection.getWorker().getXnio(), OptionMap.EMPTY, ReportingContext.over(context));
            ssl = factory;
        }
        return factory.wrapExistingConnection(connection, engineOptions, false);
    }
}
