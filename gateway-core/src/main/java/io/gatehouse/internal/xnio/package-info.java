/**
 * Helpers around the XNIO worker a gateway runs on, which may be the application's: state per IO thread that the
 * gateway, not the thread, owns ({@link io.gatehouse.internal.xnio.PerIoThread}). Implementation, not API.
 */
package io.gatehouse.internal.xnio;
