/**
 * A gateway's configuration: what {@code Gateway.start}, {@code Gateway.handler} and {@code Gateway.reload} take.
 *
 * <p>Three ways to make one, all giving the same {@link io.gatehouse.config.GatewayConfig}:
 * {@link io.gatehouse.config.GatewayConfig#load(java.nio.file.Path)} reads the YAML file the daemon reads
 * ({@code src-docs/configuration.md}), {@link io.gatehouse.config.GatewayConfig#builder()} writes the same keys in
 * Java, and the records can be constructed directly. Loading and building apply the same defaults and report every
 * problem at once as an unchecked {@link io.gatehouse.config.ConfigException}, each
 * {@link io.gatehouse.config.ConfigProblem} naming its key path (and, from YAML, file, line and column).
 *
 * <p>The records ({@code GatewayConfig}, {@code VirtualHost}, {@code Route}, the {@link io.gatehouse.config.Action}
 * records, {@code ProxyConfig}, {@code FilesConfig}, {@code Limits}, {@code Timeouts} and the others) are immutable
 * and thread-safe: their lists, sets and maps are unmodifiable copies, and a configuration may be shared between
 * threads and gateways freely. Each record's constructor checks its own values and throws
 * {@link java.lang.IllegalArgumentException} naming the YAML key of a refused one; the rules across records are
 * checked by {@link io.gatehouse.config.GatewayConfig#validate()}, which a gateway runs before it serves a
 * configuration (see {@link io.gatehouse.config.GatewayConfig}).
 *
 * <p>Each record's components are named as the YAML keys that set them, with the exceptions the component
 * documentation gives; a record's {@code DEFAULTS} or {@code DEFAULT_*} constants are the values of absent keys.
 */
package io.gatehouse.config;
