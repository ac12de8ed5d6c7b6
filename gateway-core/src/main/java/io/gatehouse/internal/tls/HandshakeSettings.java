package io.gatehouse.internal.tls;

import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.StreamConnection;
import org.xnio.ssl.SslConnection;

import javax.net.ssl.SSLContext;

/**
 * What the server side of one TLS handshake uses: a configuration's {@link ServerTls} (certificates chosen by SNI,
 * protocol versions, cipher suites in the server's order of preference), as Undertow's TLS connections take it.
 * One per configuration generation: a connection takes the settings current when it is accepted and keeps them, so
 * a reload gives new connections new certificates and leaves open ones alone. Thread-safe.
 */
public final class HandshakeSettings {

    private final SSLContext context;
    private final OptionMap engineOptions;
    /** Made on first use, from the worker of the first connection: Undertow's factory of server-side TLS engines. */
    private volatile UndertowXnioSsl ssl;

    /**
     * @param tls a configuration's server TLS
     */
    public HandshakeSettings(ServerTls tls) {
        this.context = tls.context();
        this.engineOptions = OptionMap.builder()
                .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(tls.protocols()))
                .set(Options.SSL_ENABLED_CIPHER_SUITES, Sequence.of(tls.cipherSuites()))
                .set(UndertowOptions.SSL_USER_CIPHER_SUITES_ORDER, true)
                .getMap();
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
