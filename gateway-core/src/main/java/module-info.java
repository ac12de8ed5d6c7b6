/**
 * Gatehouse: a reverse-proxy gateway on Undertow, embeddable in an application or run on its own.
 *
 * <p>The API is {@link io.gatehouse.Gateway} and {@link io.gatehouse.GatewayHandler} (package {@code io.gatehouse}) and
 * the configuration (package {@code io.gatehouse.config}); everything under {@code io.gatehouse.internal} is
 * implementation and is not exported.
 */
// Undertow, XNIO and Micrometer are automatic modules (no module-info); their types are in this module's API
// (HttpHandler, XnioWorker, MeterRegistry), so an application must read them: the warning says so and is expected.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.gatehouse {
    requires transitive undertow.core;
    requires transitive xnio.api;
    requires transitive micrometer.core;

    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;
    // PEM private keys in the forms the JDK cannot read (PKCS#1 RSA, SEC1 EC, encrypted), loaded only for such a file
    // (see internal.tls.PemFiles).
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;
    // The default backend of System.Logger, through which Gatehouse logs, and what jboss-logging falls back to.
    requires java.logging;
    requires jdk.net;
    // sun.misc.Unsafe: DirectMemory frees the buffers a deep HTTP/2 cache gives back; and jboss-threads (XNIO's
    // worker pool) needs it, but as a jar on the class path it cannot ask for this module itself (without it the
    // first worker shutdown fails with NoClassDefFoundError).
    requires jdk.unsupported;

    exports io.gatehouse;
    exports io.gatehouse.config;
}
