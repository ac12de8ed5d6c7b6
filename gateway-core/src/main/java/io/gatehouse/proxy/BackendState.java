package io.gatehouse.proxy;

import java.net.URI;

/**
 * A snapshot of one backend, for metrics and status pages.
 *
 * @param backend             the backend's URI as configured
 * @param status              whether it takes requests, and if not why
 * @param inFlight            requests now on their way to it or being answered by it, through this proxy
 * @param consecutiveFailures refused or reset connections since its last answer (or since it was last taken out)
 */
public record BackendState(URI backend, Status status, int inFlight, int consecutiveFailures) {

    public enum Status {
        /** Takes requests. */
        UP,
        /** Taken out after {@code health.failures} failures in a row, until {@code health.coolOff} has passed. */
        COOLING_OFF,
        /** Its last active health check failed. */
        CHECK_FAILING
    }
}
