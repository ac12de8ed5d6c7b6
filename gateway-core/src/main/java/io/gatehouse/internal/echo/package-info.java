/**
 * Not part of Gatehouse's API: the {@code echo} action, a diagnostic vhost that answers every request with the
 * request line and headers it received.
 * <p>
 * {@link io.gatehouse.internal.echo.EchoHandler} is the one entry type; it is the end of the chain for a route whose
 * action is {@code echo}, and it shows what the client headers step and a proxy in front of Gatehouse left of a
 * request.
 */
package io.gatehouse.internal.echo;
