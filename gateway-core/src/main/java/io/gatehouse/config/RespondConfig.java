package io.gatehouse.config;

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

    public RespondConfig {
        headers = List.copyOf(headers);
    }

    @Override
    public String kind() {
        return "respond";
    }
}
