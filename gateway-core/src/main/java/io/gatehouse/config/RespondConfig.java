package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.util.List;
import java.util.Optional;

/**
 * {@code respond}: answer with a fixed response, without reaching any backend or file.
 *
 * @param status  200 to 599
 * @param body    the body as written; absent: an error status gets the gateway's plain-text error body
 *                ({@code 403 Forbidden}), any other status an empty one
 * @param headers response headers, in order; their values are templates (captures and variables, see
 *                {@link Template})
 */
public record RespondConfig(int status, Optional<String> body, List<HeaderRules.Header> headers) implements Action {

    /**
     * Checks the status and that a 204 or 304 has no body; copies the headers.
     *
     * @param status  200 to 599
     * @param body    empty for a 204 or 304
     * @param headers response headers, in order
     * @throws IllegalArgumentException when {@code status} is outside 200 to 599, or a 204 or 304 has a body
     * @throws NullPointerException     when {@code body} or {@code headers} is null
     */
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
