package io.gatehouse;

import io.gatehouse.internal.guard.FrontDoor;
import io.gatehouse.internal.observe.AccessLog;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.internal.proxy.ReverseProxy;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The repeated-event logs of one gateway (or one mounted {@link GatewayHandler}): its proxies' failures, its
 * listeners' refused requests and its access log's failures to hand a line on; and the application's access-log
 * sink, if it gave one. They belong to the gateway, not to a configuration: counts run on across a reload, and the
 * interval follows the configuration that commits. {@link #close()} writes what is still counted.
 */
final class GatewayLogs implements AutoCloseable {

    private final RepeatedEvents proxyFailures;
    private final RepeatedEvents refusals;
    private final RepeatedEvents accessLogFailures;
    private final Consumer<String> accessLogSink;

    /**
     * Logs that summarise repeats once per {@code repeatInterval} ({@code log.repeatInterval}), with the access-log
     * lines going to {@code accessLogSink} ({@link GatewayOptions#accessLogSink()}; null: where the configuration
     * says).
     */
    GatewayLogs(Duration repeatInterval, Consumer<String> accessLogSink) {
        this.proxyFailures = ReverseProxy.failureLog(repeatInterval);
        this.refusals = FrontDoor.refusalLog(repeatInterval);
        this.accessLogFailures = AccessLog.failureLog(repeatInterval);
        this.accessLogSink = accessLogSink == null ? null : oneAtATime(accessLogSink);
    }

    /**
     * {@code sink}, called by one thread at a time: a reload that changes {@code accessLog} opens a second writer
     * while the replaced one writes out its last lines, and the application was promised no concurrent calls.
     */
    private static Consumer<String> oneAtATime(Consumer<String> sink) {
        Object lock = new Object();
        return line -> {
            synchronized (lock) {
                sink.accept(line);
            }
        };
    }

    RepeatedEvents proxyFailures() {
        return proxyFailures;
    }

    RepeatedEvents refusals() {
        return refusals;
    }

    RepeatedEvents accessLogFailures() {
        return accessLogFailures;
    }

    /** Where every access-log line goes instead of the configured destination; null for the configured one. */
    Consumer<String> accessLogSink() {
        return accessLogSink;
    }

    /** A configuration with this {@code log.repeatInterval} commits. */
    void interval(Duration repeatInterval) {
        proxyFailures.interval(repeatInterval);
        refusals.interval(repeatInterval);
        accessLogFailures.interval(repeatInterval);
    }

    @Override
    public void close() {
        proxyFailures.close();
        refusals.close();
        accessLogFailures.close();
    }
}
