package io.gatehouse.config;

/** Fluent construction of a {@link GatewayConfig}, with the YAML loader's defaults and validation. */
public final class GatewayConfigBuilder {

    GatewayConfigBuilder() {
    }

    public GatewayConfig build() throws ConfigException {
        throw new UnsupportedOperationException("TODO(config helper)");
    }
}
