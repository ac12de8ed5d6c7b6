package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The active health check ({@code proxy.health.path}): every {@code interval}, {@code GET path} to each backend on
 * a new connection, opened as the proxy's are (over TLS, verified, for an {@code https} backend), with {@code Host}
 * the backend's authority and {@code Connection: close}; the check passes when the
 * status is {@code expect}. Connecting and answering must each take less than the interval. The result goes to
 * {@link BackendHealth#checked}; the first check runs at once, and backends count as up until it answers.
 *
 * <p>Probes are a few bytes every few seconds, so they run blocking on one daemon scheduler thread per proxy rather
 * than on the gateway's IO threads, where a slow backend could never stall a request.
 */
final class HealthChecker implements AutoCloseable {

    private static final int MAX_STATUS_LINE = 256;

    private final List<Backend> backends;
    private final ProxyConfig.Check check;
    private final ScheduledExecutorService scheduler;
    /** TLS to the {@code https} backends; null when there is none. */
    private final TlsTransport tls;

    private HealthChecker(List<Backend> backends, ProxyConfig.Check check, TlsTransport tls) {
        this.backends = backends;
        this.check = check;
        this.tls = tls;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-health-check");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @param tls the proxy's TLS to its {@code https} backends; null when it has none */
    static HealthChecker start(List<Backend> backends, ProxyConfig.Check check, TlsTransport tls) {
        HealthChecker checker = new HealthChecker(backends, check, tls);
        long interval = check.interval().toMillis();
        checker.scheduler.scheduleWithFixedDelay(checker::checkAll, 0, interval, TimeUnit.MILLISECONDS);
        return checker;
    }

    private void checkAll() {
        for (Backend backend : backends) {
            String problem = probe(backend);
            backend.health.checked(problem == null, problem);
        }
    }

    /** Why the check failed, or {@code null} when it passed. */
    private String probe(Backend backend) {
        int timeout = (int) Math.min(Integer.MAX_VALUE, check.interval().toMillis());
        try (Socket socket = open(backend.uri, timeout)) {
            String request = "GET " + check.path() + " HTTP/1.1\r\nHost: " + backend.uri.getRawAuthority()
                    + "\r\nUser-Agent: gatehouse-health-check\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            int status = status(statusLine(socket.getInputStream()));
            return status == check.expect() ? null : "status " + (status < 0 ? "unreadable" : status) + ", expected " + check.expect();
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** A connection to {@code backend} as the proxy's are: TCP, and TLS over it for an {@code https} backend. */
    private Socket open(URI backend, int timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(backend.getHost(), BackendPool.port(backend)), timeout);
            socket.setSoTimeout(timeout);
            return TlsTransport.serves(backend) ? tls.handshake(socket, backend) : socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n' && line.length() < MAX_STATUS_LINE) {
            line.append((char) b);
        }
        return line.toString();
    }

    /** The status code of {@code HTTP/1.x NNN ...}, or -1. */
    private static int status(String line) {
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            return -1;
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
