package io.gatehouse.internal.guard;

/** The HTTP/2 downgrade checks of {@link Http2DowngradeTest}, over TLS (ALPN h2). */
class Http2DowngradeOverTlsTest extends Http2DowngradeTest {

    Http2DowngradeOverTlsTest() {
        super(Http2Gateway.Front.TLS);
    }
}
