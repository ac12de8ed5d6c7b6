package io.gatehouse.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS backend on a free port of the address {@code localhost} resolves to, for the proxy's TLS to backends: the
 * JDK's TLS server with a certificate from {@link TestCertificates}, answering on a keep-alive connection: a request
 * with a body gets its body back, {@code GET /big} a body of {@link #BIG_LENGTH} bytes {@code x}, any other
 * {@code 200 ok}. It records what the proxy cannot show: the SNI name of each connection, how many TLS
 * connections completed their handshake, and each request's head (taken with {@link #nextRequest()}, which waits).
 * {@link #closingInHandshake()} is the other kind: a TCP server that reads the ClientHello and closes.
 */
public final class TlsBackend implements AutoCloseable {

    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
    /** The body of {@code GET /big}: many TLS records, more than one read of the proxy's buffers. */
    public static final int BIG_LENGTH = 1 << 20;
    private static final byte[] BIG = big();

    private final ServerSocket server;
    private final boolean tls;
    private final List<String> serverNames = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> closedInHandshake = new LinkedBlockingQueue<>();

    private TlsBackend(ServerSocket server, boolean tls) {
        this.server = server;
        this.tls = tls;
        Thread acceptor = new Thread(this::accept, "tls-backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** An HTTPS backend presenting {@code certificate} (its chain, leaf first) with {@code certificate}'s key. */
    public static TlsBackend serving(TestCertificates.Issued certificate, X509Certificate... chainAfterLeaf) {
        return serving(new String[] {"TLSv1.3", "TLSv1.2"}, certificate, chainAfterLeaf);
    }

    /** Like {@link #serving}, speaking TLS 1.2 only, whose handshake the client ends on a read, not a write. */
    public static TlsBackend servingTls12(TestCertificates.Issued certificate, X509Certificate... chainAfterLeaf) {
        return serving(new String[] {"TLSv1.2"}, certificate, chainAfterLeaf);
    }

    private static TlsBackend serving(String[] protocols, TestCertificates.Issued certificate, X509Certificate... chainAfterLeaf) {
        try {
            SSLContext context = certificate.serverContext(chainAfterLeaf);
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
            server.setEnabledProtocols(protocols);
            server.bind(new InetSocketAddress(InetAddress.getByName("localhost"), 0));
            return new TlsBackend(server, true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server that accepts TCP, reads the first bytes a client sends (its ClientHello) and closes. */
    public static TlsBackend closingInHandshake() {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName("localhost"), 0));
            return new TlsBackend(server, false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The SNI host name each connection asked for, in handshake order; "" for a connection that sent none. */
    public List<String> serverNames() {
        return List.copyOf(serverNames);
    }

    /** TLS connections whose handshake completed. */
    public int handshakes() {
        return handshakes.get();
    }

    /** The next request's head, waiting for it up to 10 seconds; null when none came. */
    public String nextRequest() throws InterruptedException {
        return requests.poll(10, TimeUnit.SECONDS);
    }

    /** For {@link #closingInHandshake()}: waits up to 10 seconds for a connection to be closed after its first bytes. */
    public boolean awaitClosedInHandshake() throws InterruptedException {
        return closedInHandshake.poll(10, TimeUnit.SECONDS) != null;
    }

    private static byte[] big() {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + BIG_LENGTH + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] response = Arrays.copyOf(head, head.length + BIG_LENGTH);
        Arrays.fill(response, head.length, response.length, (byte) 'x');
        return response;
    }

    private static byte[] echo(byte[] body) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] response = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, response, head.length, body.length);
        return response;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> serve(socket), "tls-backend-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            if (!tls) {
                socket.getInputStream().read(new byte[5]);
                socket.close();
                closedInHandshake.add("closed");
                return;
            }
            SSLSocket ssl = (SSLSocket) socket;
            ssl.startHandshake();
            List<SNIServerName> names = ((ExtendedSSLSession) ssl.getSession()).getRequestedServerNames();
            serverNames.add(names.isEmpty() ? "" : ((SNIHostName) names.get(0)).getAsciiName());
            handshakes.incrementAndGet();
            InputStream in = ssl.getInputStream();
            OutputStream out = ssl.getOutputStream();
            String head;
            while ((head = RawBackend.readHead(in)) != null) {
                byte[] body = RawBackend.readBody(in, head);
                requests.add(head);
                out.write(head.startsWith("GET /big ") ? BIG : body.length > 0 ? echo(body) : RESPONSE);
                out.flush();
            }
        } catch (IOException e) {
            // The client refused the certificate, or went away: the connection ends either way.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
