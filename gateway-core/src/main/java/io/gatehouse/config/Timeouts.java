package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.time.Duration;

/**
 * How long Gatehouse waits. {@code connect}: for a backend connection; {@code response}: for a backend's
 * response once the request is sent (then 504); {@code idle}: a client connection with nothing to do, or a
 * request body that stops arriving; {@code requestHeader}: a request's header section, from its first byte to
 * its blank line (nginx's {@code client_header_timeout}).
 */
public record Timeouts(Duration connect, Duration response, Duration idle, Duration requestHeader) {

    public static final Duration DEFAULT_REQUEST_HEADER = Keys.TIMEOUTS_REQUEST_HEADER.defaultValue();

    /** @throws IllegalArgumentException naming the {@code timeouts} key of a duration that is not more than 0 */
    public Timeouts {
        RecordChecks.positive(Keys.TIMEOUTS_CONNECT, connect);
        RecordChecks.positive(Keys.TIMEOUTS_RESPONSE, response);
        RecordChecks.positive(Keys.TIMEOUTS_IDLE, idle);
        RecordChecks.positive(Keys.TIMEOUTS_REQUEST_HEADER, requestHeader);
    }

    public static final Timeouts DEFAULTS = new Timeouts(Keys.TIMEOUTS_CONNECT.defaultValue(),
            Keys.TIMEOUTS_RESPONSE.defaultValue(), Keys.TIMEOUTS_IDLE.defaultValue(), DEFAULT_REQUEST_HEADER);
}
