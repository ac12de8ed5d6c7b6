package io.gatehouse.internal.guard;

/** The HTTP/2 abuse limits of {@link Http2AbuseLimitsTest}, over TLS (ALPN h2). */
class Http2AbuseLimitsOverTlsTest extends Http2AbuseLimitsTest {

    Http2AbuseLimitsOverTlsTest() {
        super(Http2Gateway.Front.TLS);
    }
}
