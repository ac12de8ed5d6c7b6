package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Test helpers: YAML text written to a file, loaded, and its problems. */
final class YamlFiles {

    /** A {@code vhosts} block that any configuration is valid with: one echo vhost for every name. */
    static final String ANY_VHOST = """
            vhosts:
              - hosts: ["*"]
                echo: {}
            """;

    private YamlFiles() {
    }

    static Path write(Path dir, String yaml) {
        try {
            return Files.writeString(dir.resolve("gatehouse.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GatewayConfig load(Path dir, String yaml) throws ConfigException {
        return GatewayConfig.load(write(dir, yaml));
    }

    static List<ConfigProblem> problems(Path dir, String yaml) {
        return assertThrows(ConfigException.class, () -> load(dir, yaml)).problems();
    }

    /** Asserts that {@code yaml} has exactly one problem, at this place, with this message. */
    static void assertOnlyProblem(Path dir, String yaml, int line, int column, String keyPath, String message) {
        Path file = dir.resolve("gatehouse.yaml");
        assertEquals(List.of(new ConfigProblem(Optional.of(file.toString()), line, column, keyPath, message)), problems(dir, yaml));
    }

    /**
     * {@code config} as the builder makes it: no source file, and routes that know their key path but no file, line or
     * column.
     */
    static GatewayConfig withoutSource(GatewayConfig config) {
        List<VirtualHost> vhosts = config.vhosts().stream().map(vhost -> new VirtualHost(vhost.name(), vhost.hosts(), vhost.listen(),
                vhost.routes().stream().map(route -> withOrigin(route, new Route.Origin(Optional.empty(), 0, 0,
                        route.origin().keyPath()))).toList())).toList();
        return new GatewayConfig(config.listen(), config.forwarded(), config.timeouts(), config.limits(), config.accessLog(),
                config.shutdown(), vhosts, Optional.empty(), config.admin(), config.pidFile(), config.watch(), config.log());
    }

    /** {@code route} as if built in code: {@link Route.Origin#UNKNOWN}. */
    static Route withoutOrigin(Route route) {
        return withOrigin(route, Route.Origin.UNKNOWN);
    }

    private static Route withOrigin(Route route, Route.Origin origin) {
        return new Route(route.path(), route.match(), route.methods(), route.header(), route.action(), route.proxyPath(),
                route.headers(), origin);
    }
}
