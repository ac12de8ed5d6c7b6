package io.gatehouse.internal.guard;

/** The flush rounds of {@link Http2FlushRoundTest}, over TLS (ALPN h2). */
class Http2FlushRoundOverTlsTest extends Http2FlushRoundTest {

    Http2FlushRoundOverTlsTest() {
        super(Http2Gateway.Front.TLS);
    }
}
