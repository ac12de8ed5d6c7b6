/**
 * Not part of Gatehouse's API: who the client is, and what a backend is told about it; may change in any release.
 * <p>
 * Two steps use it. {@link io.gatehouse.internal.forwarded.RequestOrigin}, the outermost handler of every listener,
 * resolves once per request the client address ({@link io.gatehouse.internal.forwarded.ClientAddress}: the TCP peer,
 * or when the peer is in {@code forwarded.trusted}, the client its {@code X-Forwarded-For} chain names) and the
 * request id ({@link io.gatehouse.internal.forwarded.RequestId}), so the access log, the metrics, the balancer and the
 * proxy all see the same answers. Just before a request is forwarded, the proxy's
 * {@link io.gatehouse.internal.forwarded.ForwardedHeaders} sets {@code X-Forwarded-*}, {@code Forwarded},
 * {@code X-Real-IP}, {@code X-Request-Id} and {@code Via} from those answers. Trust rests on the TCP peer only; what
 * an untrusted peer claims is discarded, and no value with a control character is believed or relayed. Nothing here
 * fails a request.
 * <p>
 * Stateless apart from what is attached to the exchange and the connection; safe on every IO thread.
 */
package io.gatehouse.internal.forwarded;
