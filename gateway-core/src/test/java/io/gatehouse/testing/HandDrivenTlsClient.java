package io.gatehouse.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;

/**
 * A TLS 1.3 client on the JDK's engine over a plain socket, driven by hand so that a test decides what goes with the
 * client's Finished, and whether it goes at all: {@link #upToFinished} stops with the Finished wrapped and unsent.
 * Reads time out after twenty seconds.
 */
public final class HandDrivenTlsClient implements Closeable {

    private final Socket socket;
    private final SSLEngine engine;
    private final ByteBuffer fromServer;
    private final ByteBuffer plain;
    private final ByteBuffer toServer;

    private HandDrivenTlsClient(Socket socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        int size = engine.getSession().getPacketBufferSize();
        this.fromServer = ByteBuffer.allocate(4 * size);
        this.plain = ByteBuffer.allocate(4 * engine.getSession().getApplicationBufferSize());
        this.toServer = ByteBuffer.allocate(4 * size);
    }

    /**
     * Connects to {@code address}, naming {@code sni} and offering {@code alpn}, and handshakes until the client's
     * Finished is ready: the server's whole flight has been read, the Finished is held back.
     */
    public static HandDrivenTlsClient upToFinished(SSLContext context, InetSocketAddress address, String sni,
                                                   String alpn) throws IOException {
        SSLEngine engine = context.createSSLEngine(sni, address.getPort());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[]{"TLSv1.3"});
        parameters.setApplicationProtocols(new String[]{alpn});
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        engine.setSSLParameters(parameters);
        Socket socket = new Socket();
        try {
            socket.connect(address, 5_000);
            socket.setSoTimeout(20_000);
            HandDrivenTlsClient client = new HandDrivenTlsClient(socket, engine);
            client.handshakeUpToFinished();
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshakeUpToFinished() throws IOException {
        engine.beginHandshake();
        while (engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.FINISHED) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    engine.wrap(ByteBuffer.allocate(0), toServer);
                    if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                        send(); // the hello (or a compatibility change_cipher_spec): the server must answer it
                    }
                }
                case NEED_UNWRAP -> {
                    fromServer.flip();
                    SSLEngineResult result = engine.unwrap(fromServer, plain);
                    fromServer.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && readRaw() < 0) {
                        throw new IOException("closed during the handshake");
                    }
                }
                case NEED_TASK -> engine.getDelegatedTask().run();
                default -> throw new IllegalStateException(engine.getHandshakeStatus().toString());
            }
        }
    }

    /** Sends the held Finished with {@code request} (ISO-8859-1) behind it, in the same write. */
    public void sendFinishedWith(String request) throws IOException {
        engine.wrap(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)), toServer);
        send();
    }

    /** What the server sends until it closes, decrypted (ISO-8859-1). */
    public String readToEnd() throws IOException {
        StringBuilder answer = new StringBuilder();
        while (true) {
            fromServer.flip();
            SSLEngineResult result = engine.unwrap(fromServer, plain);
            fromServer.compact();
            plain.flip();
            answer.append(StandardCharsets.ISO_8859_1.decode(plain));
            plain.clear();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                return answer.toString();
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && readRaw() < 0) {
                return answer.toString();
            }
        }
    }

    /** Returns once the server has closed the connection, whatever it sent before; fails if it has not in time. */
    public void awaitClose() throws IOException {
        do {
            fromServer.clear();
        } while (readRaw() >= 0);
    }

    private int readRaw() throws IOException {
        InputStream in = socket.getInputStream();
        int read = in.read(fromServer.array(), fromServer.arrayOffset() + fromServer.position(), fromServer.remaining());
        if (read > 0) {
            fromServer.position(fromServer.position() + read);
        }
        return read;
    }

    private void send() throws IOException {
        toServer.flip();
        socket.getOutputStream().write(toServer.array(), toServer.arrayOffset() + toServer.position(),
                toServer.remaining());
        socket.getOutputStream().flush();
        toServer.clear();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
