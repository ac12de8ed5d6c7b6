package io.gatehouse.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A port of 127.0.0.1 that was free when probed, for a configuration that must name its port before anything binds
 * it. Taken from below the kernel's ephemeral range: a probe of port 0, closed, handed back a port the kernel gives
 * out again to the next bind of port 0 in this JVM (a backend, another gateway), and the test's own listener then
 * found it taken. Nothing binding port 0 is ever given a port below that range.
 */
public final class UnusedPort {

    private static final int LOWEST = 10_000;
    private static final int BELOW = ephemeralRangeStart();
    private static final AtomicInteger NEXT = new AtomicInteger(LOWEST + ThreadLocalRandom.current().nextInt(BELOW - LOWEST));

    private UnusedPort() {
    }

    /** A port no socket on 127.0.0.1 was bound to a moment ago, and that no bind of port 0 will be given. */
    public static int next() {
        for (int tries = 0; tries < BELOW - LOWEST; tries++) {
            int port = NEXT.getAndUpdate(p -> p + 1 < BELOW ? p + 1 : LOWEST);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                return port;
            } catch (IOException taken) {
                // Some other process has it: try the next one.
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + BELOW);
    }

    /** Where Linux starts giving out ports for port 0 (32768 by default, and elsewhere). */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException notLinux) {
            return 32_768;
        }
    }
}
