package io.gatehouse.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Clients of a TLS listener: a raw socket after its handshake, and curl. */
public final class TlsClient {

    private TlsClient() {
    }

    /**
     * A TLS connection to {@code address}, handshake done, naming {@code sni} (null: the client sends no SNI) and
     * offering {@code alpn} (none: the client offers no ALPN). Reads time out after ten seconds.
     */
    public static SSLSocket connect(SSLContext context, InetSocketAddress address, String sni, String... alpn)
            throws IOException {
        return connect(context, address, sni, parameters -> { }, alpn);
    }

    /** {@link #connect(SSLContext, InetSocketAddress, String, String...)}, the client's parameters changed by {@code adjust}. */
    public static SSLSocket connect(SSLContext context, InetSocketAddress address, String sni,
                                    Consumer<SSLParameters> adjust, String... alpn) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.connect(address, 5_000);
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            parameters.setApplicationProtocols(alpn);
            adjust.accept(parameters);
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes {@code bytes} (ISO-8859-1) on {@code socket}. */
    public static void write(Socket socket, String bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * curl's output for {@code https://host:port/path} on 127.0.0.1, trusting {@code ca}, then a last line
     * {@code "<http version> <status>"} ({@code "2 200"}); {@code options} go before the URL. Fails unless curl
     * succeeds.
     */
    public static String curl(TestCertificates ca, String host, int port, String path, String... options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", ca.caFile().toString(),
                "--resolve", host + ":" + port + ":127.0.0.1", "-w", "\n%{http_version} %{http_code}"));
        command.addAll(List.of(options));
        command.add("https://" + host + ":" + port + path);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!curl.waitFor(30, TimeUnit.SECONDS)) {
            curl.destroyForcibly();
            throw new AssertionError("curl did not finish");
        }
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (curl.exitValue() != 0) {
            throw new AssertionError("curl failed: " + output);
        }
        return output;
    }
}
