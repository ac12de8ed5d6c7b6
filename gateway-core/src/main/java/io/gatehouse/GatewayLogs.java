package io.gatehouse;

import io.gatehouse.internal.guard.FrontDoor;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.internal.proxy.ReverseProxy;

import java.time.Duration;

/**
 * The repeated-event logs of one gateway (or one mounted {@link GatewayHandler}): its proxies' failures and its
 * listeners' refused requests. They belong to the gateway, not to a configuration: counts run on across a reload,
 * and the interval follows the configuration that commits. {@link #close()} writes what is still counted.
 */
final class GatewayLogs implements AutoCloseable {

    private final RepeatedEvents proxyFailures;
    private final RepeatedEvents refusals;

    /** Logs that summarise repeats once per {@code repeatInterval} ({@code log.repeatInterval}). */
    GatewayLogs(Duration repeatInterval) {
        this.proxyFailures = ReverseProxy.failureLog(repeatInterval);
        this.refusals = FrontDoor.refusalLog(repeatInterval);
    }

    RepeatedEvents proxyFailures() {
        return proxyFailures;
    }

    RepeatedEvents refusals() {
        return refusals;
    }

    /** A configuration with this {@code log.repeatInterval} commits. */
    void interval(Duration repeatInterval) {
        proxyFailures.interval(repeatInterval);
        refusals.interval(repeatInterval);
    }

    @Override
    public void close() {
        proxyFailures.close();
        refusals.close();
    }
}
