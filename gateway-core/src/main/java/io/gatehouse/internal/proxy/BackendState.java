package io.gatehouse.internal.proxy;

import java.net.URI;
import java.time.Duration;

/**
 * A snapshot of one backend, for metrics and status pages. A backend marked out is passed over while another is in
 * rotation; when none is, requests go to the marked-out ones all the same.
 *
 * @param backend             the backend's URI as configured
 * @param status              whether it takes requests, and if not why
 * @param inFlight            requests now on their way to it or being answered by it, through this proxy
 * @param consecutiveFailures refused or reset connections since its last answer (or since it was last marked out)
 * @param markedOut           how long it has been marked out ({@link Status#COOLING_OFF} or
 *                            {@link Status#CHECK_FAILING}); zero while it is {@link Status#UP}
 */
public record BackendState(URI backend, Status status, int inFlight, int consecutiveFailures, Duration markedOut) {

    /** Whether a backend takes requests, and if not why. */
    public enum Status {
        /** In rotation. */
        UP,
        /**
         * Marked out after {@code health.failures} failures in a row, until {@code health.coolOff} has passed or an
         * active check passes (never for a proxy's only backend).
         */
        COOLING_OFF,
        /** Marked out: its last active health check failed. */
        CHECK_FAILING
    }
}
