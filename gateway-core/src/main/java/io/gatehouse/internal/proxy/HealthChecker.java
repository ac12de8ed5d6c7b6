package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The active health check ({@code proxy.health.path}): every {@code interval}, {@code GET path} to each backend on
 * a new connection ({@code Host} is the backend's authority, {@code Connection: close}); the check passes when the
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

    private HealthChecker(List<Backend> backends, ProxyConfig.Check check) {
        this.backends = backends;
        this.check = check;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-health-check");
            thread.setDaemon(true);
            return thread;
        });
    }

    static HealthChecker start(List<Backend> backends, ProxyConfig.Check check) {
        HealthChecker checker = new HealthChecker(backends, check);
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
        int port = backend.uri.getPort() < 0 ? 80 : backend.uri.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(backend.uri.getHost(), port), timeout);
            socket.setSoTimeout(timeout);
            String request = "GET " + check.path() + " HTTP/1.1\r\nHost: " + backend.uri.getRawAuthority()
                    + "\r\nUser-Agent: gatehouse-health-check\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            int status = status(statusLine(socket.getInputStream()));
            return status == check.expect() ? null : "status " + (status < 0 ? "unreadable" : status) + ", expected " + check.expect();
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
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
