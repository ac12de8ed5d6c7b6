/**
 * Not part of Gatehouse's API: virtual hosts, the step that picks which vhost serves a request; may change in any
 * release.
 * <p>
 * {@link io.gatehouse.internal.vhosts.HostRouter} takes the host from an absolute-form target or the single
 * {@code Host} header, normalises it ({@link io.gatehouse.internal.vhosts.HostNames}) and looks it up in a
 * {@link io.gatehouse.internal.vhosts.HostTable} (exact, then longest {@code *.suffix}, then {@code *}). What it
 * cannot route never reaches a vhost: {@code CONNECT} gets 405, a missing, repeated or invalid host 400, a host
 * served only on another listener 421, an unknown one 404. A routed request carries its host
 * ({@link io.gatehouse.internal.vhosts.RequestHost}) and its {@link io.gatehouse.internal.vhosts.ServedBy} mark,
 * which the access log and the metrics read at the request's end.
 * <p>
 * Tables are filled once while a handler tree is built and only read afterwards, so the router is shared by all IO
 * threads of a listener without locking. The types are public only so that {@code io.gatehouse.HandlerTree}, which
 * composes the tree, and the routes, access log and metrics can reach them.
 */
package io.gatehouse.internal.vhosts;
