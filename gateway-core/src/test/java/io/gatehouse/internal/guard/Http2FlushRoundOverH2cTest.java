package io.gatehouse.internal.guard;

/** The flush rounds of {@link Http2FlushRoundTest}, over h2c (prior knowledge). */
class Http2FlushRoundOverH2cTest extends Http2FlushRoundTest {

    Http2FlushRoundOverH2cTest() {
        super(Http2Gateway.Front.H2C);
    }
}
