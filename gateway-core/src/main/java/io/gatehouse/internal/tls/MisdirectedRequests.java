package io.gatehouse.internal.tls;

import io.gatehouse.internal.http.ErrorResponses;
import io.gatehouse.internal.vhosts.RequestHost;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLSession;

/**
 * 421 Misdirected Request for a request on a TLS connection whose host (as routed: Host, or {@code :authority} over
 * HTTP/2) the certificate presented on that connection does not cover ({@link CertificateNames#covers}). Browsers
 * reuse an HTTP/2 connection for every name its certificate covers, and a client may send any Host once connected:
 * routing is by host, so without this a site would be served under another site's certificate. 421 tells a browser
 * to retry on a new connection, whose SNI then picks the right certificate (RFC 9110 §15.5.20).
 *
 * <p>What the certificate covers is worked out once per TLS session and kept in it, with the last host found
 * covered: a connection's requests, which nearly always name one host, cost a string comparison each. A connection
 * without TLS, or without a certificate, passes unchecked. Thread-safe.
 */
public final class MisdirectedRequests implements HttpHandler {

    /** The session value holding what the session's certificate covers. */
    private static final String COVERED = MisdirectedRequests.class.getName();

    private final HttpHandler next;

    /**
     * Public for the handler tree in {@code io.gatehouse}, which puts it in front of each vhost on a TLS listener.
     *
     * @param next the vhost's handler, after the host router has attached the host ({@link RequestHost})
     */
    public MisdirectedRequests(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        SSLSession session = exchange.getConnection().getSslSession();
        if (session != null && !covered(session).covers(RequestHost.of(exchange))) {
            ErrorResponses.send(exchange, ErrorResponses.MISDIRECTED_REQUEST);
            return;
        }
        next.handleRequest(exchange);
    }

    private static Covered covered(SSLSession session) {
        Object kept = session.getValue(COVERED);
        if (kept instanceof Covered covered) {
            return covered;
        }
        Certificate[] presented = session.getLocalCertificates();
        Covered covered = new Covered(presented != null && presented.length > 0 && presented[0] instanceof X509Certificate leaf
                ? CertificateNames.of(leaf) : null);
        session.putValue(COVERED, covered);
        return covered;
    }

    /** The names of one session's certificate (null: none presented), and the host last found covered. */
    private static final class Covered {

        private final CertificateNames names;
        /** Racy by design: requests of one HTTP/2 connection may run on several threads; a lost update costs a lookup. */
        private String lastCovered;

        Covered(CertificateNames names) {
            this.names = names;
        }

        boolean covers(String host) {
            if (names == null || host.equals(lastCovered)) {
                return true;
            }
            if (!names.covers(host)) {
                return false;
            }
            lastCovered = host;
            return true;
        }
    }
}
