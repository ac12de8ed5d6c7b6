package io.gatehouse.config;

import java.nio.file.Path;

/** Reads YAML into {@link GatewayConfig}, collecting every problem with its location. */
final class ConfigLoader {

    private ConfigLoader() {
    }

    static GatewayConfig load(Path file) throws ConfigException {
        throw new UnsupportedOperationException("TODO(config helper)");
    }
}
