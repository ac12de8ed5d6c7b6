package io.gatehouse.internal.tls;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.util.PooledAdaptor;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;

import java.util.function.Consumer;

/**
 * What ALPN hands a connection to once it has chosen its protocol: ends the connection's {@link TlsHandshake}
 * (deadline off, its watch taken off the read side), then gives the connection to the protocol's open listener.
 * For HTTP/1.1 ({@code framing} not null) the framing checks go on first, under Undertow's parser, and the decrypted
 * bytes ALPN already read are put back under them, so that every byte of every request passes the checks, as on a
 * plain listener (Undertow would otherwise parse those bytes straight from ALPN's buffer). HTTP/2 takes ALPN's
 * bytes as they are.
 */
final class AfterHandshake implements DelegateOpenListener {

    private final DelegateOpenListener next;
    private final Consumer<StreamConnection> framing;

    /** {@code framing}: installs the framing checks on the decrypted connection; null for HTTP/2. */
    AfterHandshake(DelegateOpenListener next, Consumer<StreamConnection> framing) {
        this.next = next;
        this.framing = framing;
    }

    @Override
    public void handleEvent(StreamConnection connection, PooledByteBuffer read) {
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        if (!(source.getConduit() instanceof HandshakeWatch watch) || !watch.handshake().finish()) {
            // Timed out or closed meanwhile (or not accepted through TlsFrontDoor at all): nothing to serve.
            IoUtils.safeClose(connection);
            if (read != null) {
                read.close();
            }
            return;
        }
        source.setConduit(watch.tls());
        if (framing == null) {
            next.handleEvent(connection, read);
            return;
        }
        if (read != null) {
            if (read.getBuffer().hasRemaining()) {
                PushBackStreamSourceConduit pushBack = new PushBackStreamSourceConduit(source.getConduit());
                pushBack.pushBack(new PooledAdaptor(read));
                source.setConduit(pushBack);
            } else {
                read.close();
            }
        }
        framing.accept(connection);
        next.handleEvent(connection);
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        handleEvent(connection, null);
    }

    @Override
    public HttpHandler getRootHandler() {
        return next.getRootHandler();
    }

    @Override
    public void setRootHandler(HttpHandler rootHandler) {
        next.setRootHandler(rootHandler);
    }

    @Override
    public OptionMap getUndertowOptions() {
        return next.getUndertowOptions();
    }

    @Override
    public void setUndertowOptions(OptionMap undertowOptions) {
        next.setUndertowOptions(undertowOptions);
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return next.getBufferPool();
    }

    @Override
    public ConnectorStatistics getConnectorStatistics() {
        return next.getConnectorStatistics();
    }

    @Override
    public void closeConnections() {
        next.closeConnections();
    }
}
