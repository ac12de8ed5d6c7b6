/**
 * Not part of Gatehouse's API: the request guard, which checks request framing under Undertow's HTTP/1.1 parser on
 * Gatehouse's own listeners; may change in any release.
 * <p>
 * {@link io.gatehouse.internal.guard.FrontDoor} is the entry point the listeners use. It puts a framing conduit under
 * each accepted connection's read side: a request head is judged whole (RFC 9112, strictly: anything two parsers
 * could read differently is refused) before Undertow parses a byte of it, and a body's length or chunked framing is
 * checked as it arrives. A refused head never reaches Undertow; a stand-in request does, which
 * {@link io.gatehouse.internal.guard.RefusedRequests}, inside the handler tree behind the access log and the metrics,
 * answers with the refusal's status (400; 405 for {@code CONNECT}; 413, 414, 417, 431, 501 or 505) and a closed
 * connection. A body refused part-way reaches the handler reading it as a
 * {@link io.gatehouse.internal.guard.RequestRejectedException}, which it can still answer. Refusals are logged one
 * line per reason and summarised with a count, never with what the client sent.
 * <p>
 * A handler tree mounted in an application's own server has no front door: {@code RefusedRequests} then only passes
 * requests on.
 */
package io.gatehouse.internal.guard;
