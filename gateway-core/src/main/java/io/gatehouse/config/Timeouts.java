package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.time.Duration;

/**
 * {@code timeouts}: how long Gatehouse waits. A proxy's own {@code timeouts} default to {@code connect},
 * {@code response} and {@code read}.
 *
 * @param connect       for a backend connection (then 502, or another backend)
 * @param response      for a backend's response once the request is sent (then 504)
 * @param idle          a client connection with nothing to do, or a request body that stops arriving
 * @param requestHeader a request's header section, from its first byte to its blank line (nginx's
 *                      {@code client_header_timeout}; then 408)
 * @param read          between two reads of a backend's response body, once its head arrived (nginx's
 *                      {@code proxy_read_timeout}); then the response is cut off and both connections closed
 */
public record Timeouts(Duration connect, Duration response, Duration idle, Duration requestHeader, Duration read) {

    /** {@code timeouts.requestHeader} when not given. */
    public static final Duration DEFAULT_REQUEST_HEADER = Keys.TIMEOUTS_REQUEST_HEADER.defaultValue();
    /** {@code timeouts.read} when not given: nginx's {@code proxy_read_timeout}, Apache's {@code Timeout}. */
    public static final Duration DEFAULT_READ = Keys.TIMEOUTS_READ.defaultValue();

    /**
     * Checks every duration is more than 0.
     *
     * @param connect       more than 0
     * @param response      more than 0
     * @param idle          more than 0
     * @param requestHeader more than 0
     * @param read          more than 0
     * @throws IllegalArgumentException naming the {@code timeouts} key of a duration that is not more than 0
     * @throws NullPointerException     naming the key of a missing one
     */
    public Timeouts {
        RecordChecks.positive(Keys.TIMEOUTS_CONNECT, connect);
        RecordChecks.positive(Keys.TIMEOUTS_RESPONSE, response);
        RecordChecks.positive(Keys.TIMEOUTS_IDLE, idle);
        RecordChecks.positive(Keys.TIMEOUTS_REQUEST_HEADER, requestHeader);
        RecordChecks.positive(Keys.TIMEOUTS_READ, read);
    }

    /**
     * The timeouts with the default {@code read}: the constructor before it was added.
     *
     * @param connect       more than 0
     * @param response      more than 0
     * @param idle          more than 0
     * @param requestHeader more than 0
     * @throws IllegalArgumentException naming the {@code timeouts} key of a duration that is not more than 0
     * @throws NullPointerException     naming the key of a missing one
     */
    public Timeouts(Duration connect, Duration response, Duration idle, Duration requestHeader) {
        this(connect, response, idle, requestHeader, DEFAULT_READ);
    }

    /** The timeouts when {@code timeouts} is not given. */
    public static final Timeouts DEFAULTS = new Timeouts(Keys.TIMEOUTS_CONNECT.defaultValue(),
            Keys.TIMEOUTS_RESPONSE.defaultValue(), Keys.TIMEOUTS_IDLE.defaultValue(), DEFAULT_REQUEST_HEADER, DEFAULT_READ);
}
