/**
 * Not part of Gatehouse's API: the {@code proxy} action, a reverse proxy to one route's backends; may change in any
 * release.
 * <p>
 * {@link io.gatehouse.internal.proxy.ReverseProxy} is the entry type; its chain, in order: the body limit, the
 * client-header cleaning ({@link io.gatehouse.internal.proxy.ClientHeaders}: what the client's {@code Connection}
 * lists, {@code _} names, client-address headers from untrusted peers; the gateway runs this step once at each
 * listener's root instead), the hop-by-hop filter, the forwarded headers, and the forwarder. The forwarder is
 * Gatehouse's own non-blocking HTTP/1.1 client: it picks a backend the health tracking has in rotation (all of them
 * when every one is marked out), leases a connection from a per-IO-thread pool, writes the request head itself,
 * parses the response head strictly, and streams both bodies with back-pressure. Failures are answered once and
 * never with a stack trace: 502 for a backend that refuses, breaks or answers ambiguously, 503 with
 * {@code Retry-After} when every connection is busy and the queue full, 504 when no response head arrives in
 * {@code responseTimeout}; a failure after the response started closes the client connection. Up to
 * {@code proxy.retries} other backends are tried when no connection could be made, or, for an idempotent request
 * whose body was not streamed, when the connection broke before a response head. Repeated failures are logged once
 * and then summarised with a count.
 * <p>
 * Each request is a {@link io.gatehouse.internal.proxy.ProxiedExchange} that moves through explicit phases (pick,
 * lease, send, await, relay, release) and alone decides statuses and retries; the wire protocol is the
 * {@link io.gatehouse.internal.proxy.UpstreamCodec} of each pooled connection
 * ({@link io.gatehouse.internal.proxy.Http1Codec} today), which only reports what happened. FastCGI plugs in as a
 * second codec, TLS to backends as a transport under the same HTTP/1.1 codec.
 * <p>
 * A proxy is shared by every IO thread and by every route with equal proxy settings; its backend state is
 * {@link io.gatehouse.internal.proxy.BackendState}, a snapshot.
 */
package io.gatehouse.internal.proxy;
