/**
 * Helpers around the XNIO worker a gateway runs on, which may be the application's: state per IO thread that the
 * gateway, not the thread, owns ({@link io.gatehouse.internal.xnio.PerIoThread}); and the one way to reach what the
 * I/O layer (Undertow, XNIO, the JDK) keeps private, saying once when it cannot
 * ({@link io.gatehouse.internal.xnio.PrivateAccess}). Implementation, not API.
 */
package io.gatehouse.internal.xnio;
