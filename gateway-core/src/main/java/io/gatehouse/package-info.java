/**
 * Gatehouse as a library: run a gateway on its own listeners ({@link io.gatehouse.Gateway#start}) or mount it in an
 * application's Undertow server ({@link io.gatehouse.Gateway#handler}), reload it, drain and stop it.
 *
 * <ul>
 *   <li>{@link io.gatehouse.Gateway}: a running gateway, its listeners bound;
 *       {@link io.gatehouse.GatewayHandler}: one mounted as an Undertow {@code HttpHandler}. Both reload without
 *       dropping a request, drain on stop, and are {@link java.lang.AutoCloseable}.</li>
 *   <li>{@link io.gatehouse.GatewayOptions}: how a gateway runs inside an application (meters, access-log sink,
 *       threads, the application's own XNIO worker), apart from what it serves, which is the
 *       {@link io.gatehouse.config.GatewayConfig}.</li>
 *   <li>{@link io.gatehouse.GatewayMeters}: the names of the meters; {@link io.gatehouse.ListenerBindException}: a
 *       listener that could not be bound.</li>
 * </ul>
 *
 * <p>No global state: every gateway and mounted handler has its own handler trees, backend pools, access log, logs
 * of repeated warnings, buffers and (unless given the application's) worker, and releases them when it stops. What
 * is JVM-wide is what cannot be otherwise: the loading of XNIO and Undertow's classes
 * ({@link io.gatehouse.Gateway#preload()}), the counter that names each gateway's threads
 * {@code gatehouse-}<i>n</i>, and one daemon timer thread that writes every gateway's repeat summaries.
 *
 * <p>Thread-safety is stated on each type; the entry points are all thread-safe. Null arguments throw
 * {@link java.lang.NullPointerException} unless a parameter says it may be null. A method's other exceptions are in
 * its {@code @throws}; all are unchecked.
 */
package io.gatehouse;
