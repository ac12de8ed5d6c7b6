package io.gatehouse.internal.observe;

import io.gatehouse.internal.guard.RefusedRequests;
import io.undertow.conduits.BytesReceivedStreamSourceConduit;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import javax.net.ssl.SSLSession;

/**
 * What the client sent, captured by the access log or the request metrics, whichever sees the request first: both
 * wrap every handler that changes request headers in place (the client-header cleaning, a route's header rules, the
 * proxy); plus the request body bytes read, counted as they pass. Both read it when the exchange completes.
 *
 * <p>Captured once per exchange ({@link #capture} is idempotent), so the access log and the metrics agree on the
 * start time whichever wraps the other.
 */
final class RequestFacts {

    private static final AttachmentKey<RequestFacts> KEY = AttachmentKey.create(RequestFacts.class);

    final long startMillis;
    final long startNanos;
    final String method;
    final String uri;
    final String query;
    final String protocol;
    /** The TLS version of the request's connection, as the JDK names it ({@code TLSv1.3}); null without TLS. */
    final String tlsVersion;
    final String host;
    final String userAgent;
    final String referer;
    /** Request body bytes read so far; written and read on the exchange's threads, one at a time. */
    private volatile long bytesIn;

    private RequestFacts(HttpServerExchange exchange) {
        this.startMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
        SSLSession tls = exchange.getConnection().getSslSession();
        this.tlsVersion = tls == null ? null : tls.getProtocol();
        if (RefusedRequests.isRefused(exchange)) {
            // A stand-in: what the client sent was never parsed, so nothing of it is logged (Apache logs "-").
            this.method = "-";
            this.uri = "-";
            this.query = "";
            this.protocol = "-";
            this.host = null;
            this.userAgent = null;
            this.referer = null;
            return;
        }
        this.method = exchange.getRequestMethod().toString();
        this.uri = exchange.getRequestURI();
        this.query = exchange.getQueryString();
        this.protocol = exchange.getProtocol().toString();
        HeaderMap headers = exchange.getRequestHeaders();
        this.host = joined(headers, Headers.HOST);
        this.userAgent = joined(headers, Headers.USER_AGENT);
        this.referer = joined(headers, Headers.REFERER);
    }

    /** The facts of {@code exchange}, captured now unless that was done already. */
    static RequestFacts capture(HttpServerExchange exchange) {
        RequestFacts facts = exchange.getAttachment(KEY);
        if (facts == null) {
            facts = new RequestFacts(exchange);
            exchange.putAttachment(KEY, facts);
            RequestFacts counted = facts;
            exchange.addRequestWrapper((factory, ex) -> new BytesReceivedStreamSourceConduit(factory.create(), counted::read));
        }
        return facts;
    }

    /** Every line of a header joined with ", ", as Apache merges repeated request headers; null when absent. */
    private static String joined(HeaderMap headers, HttpString name) {
        HeaderValues values = headers.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.getFirst() : String.join(", ", values);
    }

    private void read(long bytes) {
        bytesIn += bytes;
    }

    /** Request body bytes read (after de-chunking), like Apache's {@code %I} without the head. */
    long bytesIn() {
        return bytesIn;
    }

    /**
     * Appends Apache's {@code %r}, the request line as received, escaped as the access log escapes (part by part,
     * not joined first: this runs for every logged request).
     */
    void appendRequestLine(StringBuilder line) {
        if (protocol.equals("-")) {
            line.append('-');
            return;
        }
        AccessLogFormat.appendEscaped(line, method);
        line.append(' ');
        AccessLogFormat.appendEscaped(line, uri);
        if (!query.isEmpty()) {
            line.append('?');
            AccessLogFormat.appendEscaped(line, query);
        }
        line.append(' ');
        AccessLogFormat.appendEscaped(line, protocol);
    }
}
