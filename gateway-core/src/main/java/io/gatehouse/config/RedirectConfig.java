package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.util.List;

/**
 * Answer with a redirect.
 *
 * @param to     the target: a path ({@code /posts/$1}) or an absolute URL ({@code https://${host}$1}); the
 *               request's query is appended unless the target has a {@code ?} of its own
 * @param status 301, 302, 303, 307 or 308
 */
public record RedirectConfig(Template to, int status) implements Action {

    public static final int DEFAULT_STATUS = 302;
    public static final List<Integer> STATUSES = List.of(301, 302, 303, 307, 308);

    /** @throws IllegalArgumentException when {@code status} is not one of {@link #STATUSES} */
    public RedirectConfig {
        RecordChecks.present(Keys.REDIRECT_TO, to);
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException(Keys.REDIRECT_STATUS.path() + ": expected one of " + STATUSES + ", got " + status);
        }
    }

    @Override
    public String kind() {
        return "redirect";
    }
}
