/**
 * Not part of Gatehouse's API: what a gateway tells its operators, the access log, the meters and the log of repeated
 * events; may change in any release. The meters' names are API, in {@link io.gatehouse.GatewayMeters}.
 * <p>
 * Two handlers wrap each listener's tree just inside the request origin, so they see every request, those no vhost
 * took and those the guard refused included, with what the client sent captured before anything changed it:
 * {@link io.gatehouse.internal.observe.AccessLog} writes one line per finished request on a writer thread of its own
 * (never blocking a request; lines it cannot write are dropped and counted), and
 * {@link io.gatehouse.internal.observe.RequestMetrics} records the {@code gatehouse.requests}, bytes and upstream
 * meters. The proxy reports each backend call through {@link io.gatehouse.internal.observe.UpstreamCall}, its only
 * hook into both. {@link io.gatehouse.internal.observe.BackendGauges} and
 * {@link io.gatehouse.internal.observe.ConnectionMetrics} are gauges whose series survive a reload.
 * {@link io.gatehouse.internal.observe.RepeatedEvents} logs the first event of a kind and summarises its repeats
 * with a count, so a flood of failing requests gives a few lines, not one per request.
 * <p>
 * Everything shared across IO threads here is thread-safe; an {@code UpstreamCall} belongs to one exchange.
 */
package io.gatehouse.internal.observe;
