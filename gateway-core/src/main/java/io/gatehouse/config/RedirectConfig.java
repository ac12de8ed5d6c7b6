package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.util.List;

/**
 * {@code redirect}: answer with a redirect and an empty body.
 *
 * @param to     the target: a path ({@code /posts/$1}) or an absolute URL ({@code https://${host}$1}); the
 *               request's query is appended unless the target has a {@code ?} of its own
 * @param status 301, 302, 303, 307 or 308
 */
public record RedirectConfig(Template to, int status) implements Action {

    /** {@code redirect.status} when not given. */
    public static final int DEFAULT_STATUS = 302;
    /** The statuses a redirect may have. */
    public static final List<Integer> STATUSES = List.of(301, 302, 303, 307, 308);

    /**
     * Checks the status.
     *
     * @param to     the target
     * @param status one of {@link #STATUSES}
     * @throws IllegalArgumentException when {@code status} is not one of {@link #STATUSES}
     * @throws NullPointerException     when {@code to} is null
     */
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
