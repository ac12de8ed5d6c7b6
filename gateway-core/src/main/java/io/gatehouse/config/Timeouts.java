package io.gatehouse.config;

import java.time.Duration;

/**
 * How long Gatehouse waits. {@code connect}: for a backend connection; {@code response}: for a backend's
 * response once the request is sent (then 504); {@code idle}: a client connection with nothing to do.
 */
public record Timeouts(Duration connect, Duration response, Duration idle) {

    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(75));
}
