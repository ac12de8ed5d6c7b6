package io.gatehouse.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** A server program a test starts (lighttpd, php-cgi, php-fpm): waiting until it accepts, and failing with its output if it dies. */
public final class ExternalServer {

    private ExternalServer() {
    }

    /**
     * Returns once 127.0.0.1:{@code port} accepts a connection.
     *
     * @param process the server, whose early exit ends the wait
     * @param output  where its output goes, quoted when it exits
     * @throws IllegalStateException when it exits first, or does not accept within 10 s
     */
    public static void awaitListening(Process process, int port, Path output) throws Exception {
        awaitListening(process, new InetSocketAddress("127.0.0.1", port), output);
    }

    /**
     * Returns once {@code address}, a TCP address or a Unix socket's, accepts a connection.
     *
     * @param process the server, whose early exit ends the wait
     * @param output  where its output goes, quoted when it exits
     * @throws IllegalStateException when it exits first, or does not accept within 10 s
     */
    public static void awaitListening(Process process, SocketAddress address, Path output) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (SocketChannel ignored = SocketChannel.open(address)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(process.info().command().orElse("server") + " exited: "
                            + (Files.exists(output) ? Files.readString(output) : ""));
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nothing listens on " + address);
    }

    /** Stops {@code process} and its children (php-cgi's workers), and waits for it. */
    public static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor();
        }
    }
}
