package io.gatehouse.internal.tls;

import java.io.IOException;
import java.net.InetAddress;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server of a {@link ServerTls} on a loopback port, for handshake tests: it completes each client's handshake,
 * sends {@link #AFTER_HANDSHAKE} and closes the connection. A refused handshake is the client's to observe.
 */
class TlsTestServer implements AutoCloseable {

    /** The one byte sent once a handshake is complete, so that a client's read ends when the handshake has. */
    static final int AFTER_HANDSHAKE = 'x';

    private final SSLServerSocket socket;

    TlsTestServer(ServerTls tls) throws IOException {
        socket = (SSLServerSocket) tls.context().getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        socket.setSSLParameters(tls.parameters());
        Thread acceptor = new Thread(this::serve, "tls-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (SSLSocket client = (SSLSocket) socket.accept()) {
                client.startHandshake();
                client.getOutputStream().write(AFTER_HANDSHAKE);
                client.getOutputStream().flush();
            } catch (IOException e) {
                // A refused handshake or the server closing: the client sees its own side of it.
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
