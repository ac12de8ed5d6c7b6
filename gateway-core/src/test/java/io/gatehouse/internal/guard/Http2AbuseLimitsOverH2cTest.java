package io.gatehouse.internal.guard;

/** The HTTP/2 abuse limits of {@link Http2AbuseLimitsTest}, over h2c (prior knowledge). */
class Http2AbuseLimitsOverH2cTest extends Http2AbuseLimitsTest {

    Http2AbuseLimitsOverH2cTest() {
        super(Http2Gateway.Front.H2C);
    }
}
