/**
 * Not part of Gatehouse's API: the request guard, which checks request framing under Undertow's HTTP/1.1 parser,
 * and HTTP/2 streams and frames under Undertow's HTTP/2 parser, on Gatehouse's own listeners; may change in any
 * release.
 * <p>
 * {@link io.gatehouse.internal.guard.FrontDoor} is the entry point the listeners use. It puts a framing conduit under
 * each accepted connection's read side: a request head is judged whole (RFC 9112, strictly: anything two parsers
 * could read differently is refused) before Undertow parses a byte of it, and a body's length or chunked framing is
 * checked as it arrives. A refused head never reaches Undertow; a stand-in request does, and the root handler asks
 * the connection's guard for its verdict, which {@link io.gatehouse.internal.guard.RefusedRequests}, inside the
 * handler tree behind the access log and the metrics, answers with the refusal's status (400; 405 for
 * {@code CONNECT}; 413, 414, 417, 431, 501 or 505) and a closed connection. A body refused part-way reaches the
 * handler reading it as a {@link io.gatehouse.internal.guard.RequestRejectedException}, which it can still answer. Refusals are logged one
 * line per reason and summarised with a count, never with what the client sent.
 * <p>
 * HTTP/2 ({@link io.gatehouse.internal.guard.Http2Door}: h2c with prior knowledge, told from HTTP/1.1 by
 * {@link io.gatehouse.internal.guard.PriorKnowledge}, or {@code h2} after ALPN) gets a guard per connection, which
 * resets a malformed request stream before Undertow makes an exchange of it, refuses streams past the in-flight cap
 * and frame floods, holds request bodies to their declared length and {@code limits.maxBody}, and gives its
 * verdicts (400, 413, 417) through the same path as HTTP/1.1.
 * <p>
 * A handler tree mounted in an application's own server has no front door: {@code RefusedRequests} then only passes
 * requests on.
 */
package io.gatehouse.internal.guard;
