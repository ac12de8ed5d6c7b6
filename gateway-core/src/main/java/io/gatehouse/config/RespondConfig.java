package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.util.List;
import java.util.Optional;

/**
 * Answer with a fixed response, without reaching any backend or file.
 *
 * @param status  200 to 599
 * @param body    the body as written; absent: an error status gets the gateway's plain-text error body
 *                ({@code 403 Forbidden}), any other status an empty one
 * @param headers response headers, in order; values are literal
 */
public record RespondConfig(int status, Optional<String> body, List<HeaderRules.Header> headers) implements Action {

    /** @throws IllegalArgumentException when {@code status} is outside 200 to 599, or a 204 or 304 has a body */
    public RespondConfig {
        RecordChecks.between(Keys.RESPOND_STATUS, status, 200, 599);
        if (RecordChecks.present(Keys.RESPOND_BODY, body).isPresent() && (status == 204 || status == 304)) {
            throw new IllegalArgumentException(Keys.RESPOND_BODY.path() + ": a " + status + " response has no body");
        }
        headers = List.copyOf(headers);
    }

    @Override
    public String kind() {
        return "respond";
    }
}
