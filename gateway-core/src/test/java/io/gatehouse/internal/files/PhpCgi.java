package io.gatehouse.internal.files;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real {@code php-cgi -b} on a free loopback port, with two children, unbuffered output, errors to its stderr (so
 * to FCGI_STDERR) and room for large request bodies. Tests that use it are skipped when php-cgi is not installed.
 */
final class PhpCgi implements AutoCloseable {

    private static final Path PHP_CGI = Path.of("/usr/bin/php-cgi");

    private final Process process;
    private final int port;

    private PhpCgi(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts php-cgi on {@code port} and returns once it accepts connections. */
    static PhpCgi start(int port) throws IOException, InterruptedException {
        return start(port, Map.of());
    }

    /** Like {@link #start(int)}, with each worker replaced after {@code maxRequests} requests. */
    static PhpCgi startReplacingWorkersAfter(int maxRequests, int port) throws IOException, InterruptedException {
        return start(port, Map.of("PHP_FCGI_MAX_REQUESTS", Integer.toString(maxRequests)));
    }

    private static PhpCgi start(int port, Map<String, String> environment) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PHP_CGI), "php-cgi is not installed: the PHP FastCGI tests are skipped");
        ProcessBuilder builder = new ProcessBuilder(PHP_CGI.toString(), "-b", "127.0.0.1:" + port,
                "-d", "output_buffering=0", "-d", "display_errors=0", "-d", "log_errors=1", "-d", "error_log=",
                "-d", "post_max_size=64M", "-d", "max_execution_time=0");
        builder.environment().clear();
        builder.environment().put("PHP_FCGI_CHILDREN", "2");
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        PhpCgi php = new PhpCgi(builder.start(), port);
        php.awaitAccepting();
        return php;
    }

    int port() {
        return port;
    }

    private void awaitAccepting() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("php-cgi never accepted on " + port);
    }

    /** Kills the parent and every child at once, as a crash or an OOM kill would. */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        // The parent first: alive, it forks a new worker for each one killed, which nobody would stop.
        process.destroyForcibly();
        workers.forEach(ProcessHandle::destroyForcibly);
        // A worker forked after the list was taken (a replacement, with PHP_FCGI_MAX_REQUESTS) outlives its parent,
        // adopted by init: it is found by its arguments, which it shares with the parent and which name this port.
        process.onExit().join();
        List<String> listening = List.of("-b", "127.0.0.1:" + port);
        ProcessHandle.allProcesses()
                .filter(other -> other.info().arguments()
                        .map(arguments -> Collections.indexOfSubList(List.of(arguments), listening) >= 0).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }
}
