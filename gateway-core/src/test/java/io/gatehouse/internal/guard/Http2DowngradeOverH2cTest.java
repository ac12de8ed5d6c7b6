package io.gatehouse.internal.guard;

/** The HTTP/2 downgrade checks of {@link Http2DowngradeTest}, over h2c (prior knowledge). */
class Http2DowngradeOverH2cTest extends Http2DowngradeTest {

    Http2DowngradeOverH2cTest() {
        super(Http2Gateway.Front.H2C);
    }
}
