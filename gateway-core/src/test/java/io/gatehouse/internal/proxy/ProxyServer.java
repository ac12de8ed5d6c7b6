package io.gatehouse.internal.proxy;

import io.gatehouse.config.Cidr;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ProxyConfig;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.gatehouse.testing.Configs;
import org.xnio.Options;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLContext;

/**
 * A real Undertow listener on a free loopback port whose handler is a {@link ReverseProxy}. One IO thread, so the
 * pool is one. The listener's MAX_ENTITY_SIZE is limits.maxBody, as the gateway sets it: Undertow 2.4.4 fixes the
 * limit of a chunked body from that option when it parses the request head.
 */
final class ProxyServer implements AutoCloseable {

    static final ForwardedConfig TRUST_LOOPBACK = new ForwardedConfig(List.of(Cidr.parse("127.0.0.1/32")));
    static final ForwardedConfig TRUST_NOBODY = new ForwardedConfig(List.of(Cidr.parse("10.0.0.0/8")));

    private final Undertow undertow;
    private final ReverseProxy proxy;

    private ProxyServer(ReverseProxy proxy, Limits limits, UnaryOperator<HttpHandler> wrap, UnaryOperator<Undertow.Builder> listener) {
        this.proxy = proxy;
        this.undertow = listener.apply(Undertow.builder())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, limits.maxBody())
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setHandler(wrap.apply(proxy))
                .build();
        undertow.start();
    }

    /** One backend on loopback; small timeouts and pools. */
    static ProxyConfig config(int backendPort) {
        return config(backendPort, p -> { });
    }

    /** {@link #config(int)} with what {@code more} sets on top. */
    static ProxyConfig config(int backendPort, Consumer<GatewayConfigBuilder.ProxyBuilder> more) {
        return Configs.proxy(p -> more.accept(small(p).backend("http://127.0.0.1:" + backendPort)));
    }

    /** Several backends on loopback, with the given balancing, health and retries; small timeouts and pools. */
    static ProxyConfig config(List<Integer> backendPorts, ProxyConfig.Balance balance, ProxyConfig.Health health, int retries) {
        return Configs.proxy(p -> {
            backendPorts.forEach(port -> p.backend("http://127.0.0.1:" + port));
            small(p).balance(balance).retries(retries).passiveHealth(h -> h.failures(health.failures()).coolOff(health.coolOff()));
            health.check().ifPresent(check -> p.healthCheck(h -> h.path(check.path()).interval(check.interval()).expect(check.expect())));
        });
    }

    private static GatewayConfigBuilder.ProxyBuilder small(GatewayConfigBuilder.ProxyBuilder proxy) {
        return proxy.connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5)).connections(4).queue(16);
    }

    ReverseProxy proxy() {
        return proxy;
    }

    static ProxyServer start(ProxyConfig config) {
        return start(config, TRUST_NOBODY, Limits.DEFAULTS);
    }

    static ProxyServer start(ProxyConfig config, ForwardedConfig forwarded, Limits limits) {
        return new ProxyServer(ReverseProxy.create(config, forwarded, limits), limits, UnaryOperator.identity(), ProxyServer::plain);
    }

    /** The proxy behind an application's own handler, as when Gatehouse is embedded. */
    static ProxyServer startWrapped(ProxyConfig config, ForwardedConfig forwarded, UnaryOperator<HttpHandler> wrap) {
        return new ProxyServer(ReverseProxy.create(config, forwarded, Limits.DEFAULTS), Limits.DEFAULTS, wrap, ProxyServer::plain);
    }

    /**
     * The proxy behind a TLS listener (Undertow's TLS conduit, as under the gateway's own) with {@code context}'s
     * certificate. Its connections have a socket send buffer of {@code sendBuffer} bytes (SO_SNDBUF, which Linux
     * doubles): a TLS record larger than that is taken whole into the connection's buffer but reaches the socket in
     * parts. On loopback Linux grows a send buffer to megabytes, so nothing else lets a test choose which write meets
     * a full socket. Buffers of 16 KiB, as the gateway's: one read of a body's relay is one TLS record.
     */
    static ProxyServer startOverTls(ProxyConfig config, SSLContext context, int sendBuffer) {
        return new ProxyServer(ReverseProxy.create(config, TRUST_NOBODY, Limits.DEFAULTS), Limits.DEFAULTS, UnaryOperator.identity(),
                builder -> builder.addHttpsListener(0, "127.0.0.1", context)
                        .setSocketOption(Options.SEND_BUFFER, sendBuffer)
                        .setBufferSize(16 * 1024));
    }

    /** {@link #startWrapped} behind a TLS listener with {@code context}'s certificate. */
    static ProxyServer startWrappedOverTls(ProxyConfig config, SSLContext context, UnaryOperator<HttpHandler> wrap) {
        return new ProxyServer(ReverseProxy.create(config, TRUST_NOBODY, Limits.DEFAULTS), Limits.DEFAULTS, wrap,
                builder -> builder.addHttpsListener(0, "127.0.0.1", context));
    }

    private static Undertow.Builder plain(Undertow.Builder builder) {
        return builder.addHttpListener(0, "127.0.0.1");
    }

    int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        proxy.close();
        undertow.stop();
    }
}
