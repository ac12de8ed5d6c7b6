package io.gatehouse.internal.files;

import io.gatehouse.testing.ExternalServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real php-fpm 8.2 in the foreground, as Debian runs it for nginx: a master and two static workers, no php.ini,
 * a clean environment, listening on a Unix socket or a loopback port, with its configuration, pid file and log in a
 * directory of the test's. Tests that use it are skipped when php-fpm8.2 is not installed.
 */
final class PhpFpm implements AutoCloseable {

    private static final Path PHP_FPM = Path.of("/usr/sbin/php-fpm8.2");

    private final Process process;
    private final String backend;

    private PhpFpm(Process process, String backend) {
        this.process = process;
        this.backend = backend;
    }

    /** Starts php-fpm listening on {@code socket} and returns once it accepts connections. */
    static PhpFpm onUnixSocket(Path dir, Path socket) throws Exception {
        return start(dir, socket.toString(), UnixDomainSocketAddress.of(socket), "unix:" + socket);
    }

    /** Starts php-fpm listening on 127.0.0.1:{@code port} and returns once it accepts connections. */
    static PhpFpm onPort(Path dir, int port) throws Exception {
        String hostPort = "127.0.0.1:" + port;
        return start(dir, hostPort, new InetSocketAddress("127.0.0.1", port), hostPort);
    }

    private static PhpFpm start(Path dir, String listen, SocketAddress address, String backend) throws Exception {
        assumeTrue(Files.isExecutable(PHP_FPM), "php-fpm8.2 is not installed: the php-fpm tests are skipped");
        Path log = dir.resolve("php-fpm.log");
        Path conf = Files.writeString(dir.resolve("php-fpm.conf"), String.join("\n",
                "[global]",
                "pid = " + dir.resolve("php-fpm.pid"),
                "error_log = " + log,
                "daemonize = no",
                "[www]",
                "listen = " + listen,
                "pm = static",
                "pm.max_children = 2",
                "clear_env = yes",
                "catch_workers_output = yes",
                "php_admin_value[output_buffering] = 0",
                "php_admin_value[post_max_size] = 64M",
                ""));
        // -R: the tests may run as root, whose pools php-fpm refuses without it; it changes nothing for other users.
        ProcessBuilder builder = new ProcessBuilder(PHP_FPM.toString(), "-n", "-F", "-R", "-y", conf.toString());
        builder.environment().clear();
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        try {
            ExternalServer.awaitListening(process, address, log);
        } catch (Exception | Error e) {
            ExternalServer.stop(process);
            throw e;
        }
        return new PhpFpm(process, backend);
    }

    /** The server as {@code fastcgi.backends} takes it: {@code unix:/path} or {@code 127.0.0.1:port}. */
    String backend() {
        return backend;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ExternalServer.stop(process);
    }
}
