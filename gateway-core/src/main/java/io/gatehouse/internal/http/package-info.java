/**
 * Not part of Gatehouse's API: HTTP helpers shared by the other implementation packages; may change in any release.
 * <p>
 * Nothing here is a handler of its own. {@link io.gatehouse.internal.http.ErrorResponses} is the one way every
 * handler answers an error ({@code "404 Not Found\n"}, closing the connection when the request body was not read);
 * {@link io.gatehouse.internal.http.HttpSyntax} holds the RFC 9110/9112 byte classes the request guard and the
 * backend response parser check against; {@link io.gatehouse.internal.http.HeaderNames} compares header names as
 * CGI backends see them; {@link io.gatehouse.internal.http.PathSegments} removes dot segments for the route matcher
 * and the file server; {@link io.gatehouse.internal.http.ProxyTarget} carries the target a route chose to the proxy,
 * and {@link io.gatehouse.internal.http.DrainCut} tells it that a listener closed its connections at a drain deadline.
 * All of it is safe to call from any IO or worker thread; only a {@code DrainCut} holds state, its listener's.
 */
package io.gatehouse.internal.http;
