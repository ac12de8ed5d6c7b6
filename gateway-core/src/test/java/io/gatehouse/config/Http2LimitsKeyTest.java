package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code limits.http2}: read from YAML, defaulted, range-checked with the file position, and built in Java alike. */
class Http2LimitsKeyTest {

    @TempDir
    Path dir;

    private GatewayConfig load(String limits) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, "listen: [\"127.0.0.1:0 h2c\"]\n" + limits + "vhosts:\n  - hosts: [a]\n    echo: {}\n");
        return GatewayConfig.load(file);
    }

    @Test
    void maxConcurrentStreamsIsRead() throws Exception {
        assertEquals(250, load("limits:\n  http2: { maxConcurrentStreams: 250 }\n").limits().http2().maxConcurrentStreams());
    }

    @Test
    void maxConcurrentStreamsDefaultsTo100() throws Exception {
        assertEquals(100, load("").limits().http2().maxConcurrentStreams());
        assertEquals(Limits.Http2.DEFAULTS, load("limits: { maxBody: 1MiB }\n").limits().http2());
    }

    @Test
    void maxConcurrentStreamsOutOfRangeIsAnErrorAtItsLine() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> load("limits:\n  http2: { maxConcurrentStreams: 0 }\n"));
        assertTrue(error.getMessage().contains("limits.http2.maxConcurrentStreams"), error.getMessage());
        assertTrue(error.getMessage().contains(":3:"), error.getMessage());
    }

    @Test
    void theBuilderSetsIt() throws Exception {
        GatewayConfig config = GatewayConfig.builder().http2MaxConcurrentStreams(7)
                .vhost(v -> v.hosts("a").echo()).build();
        assertEquals(7, config.limits().http2().maxConcurrentStreams());
    }
}
