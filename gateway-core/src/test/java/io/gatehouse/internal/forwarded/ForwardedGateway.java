package io.gatehouse.internal.forwarded;

import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A whole gateway (so {@link RequestOrigin} runs as in production) on one loopback listener, proxying every host to
 * a {@link RawBackend} that records what it received; optionally with a JSON access log.
 */
final class ForwardedGateway implements AutoCloseable {

    private final RawBackend backend;
    private final Gateway gateway;
    private final Path accessLog;

    private ForwardedGateway(RawBackend backend, Gateway gateway, Path accessLog) {
        this.backend = backend;
        this.gateway = gateway;
        this.accessLog = accessLog;
    }

    /** Listening on 127.0.0.1, with the forwarded.* settings {@code settings} makes. */
    static ForwardedGateway start(UnaryOperator<GatewayConfigBuilder> settings) throws Exception {
        return start("127.0.0.1:0", null, AccessLogConfig.Format.JSON, RawBackend.OK, settings);
    }

    static ForwardedGateway start(String listen, Path accessLog, AccessLogConfig.Format format, String backendAnswer,
                                  UnaryOperator<GatewayConfigBuilder> settings) throws Exception {
        RawBackend backend = RawBackend.answering(backendAnswer);
        GatewayConfigBuilder builder = GatewayConfig.builder().listen(listen)
                .vhost(v -> v.hosts("*").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())));
        if (accessLog != null) {
            builder.accessLog(a -> a.path(accessLog.toString()).format(format));
        }
        try {
            return new ForwardedGateway(backend, Gateway.start(settings.apply(builder).build()), accessLog);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return gateway.addresses().get(0);
    }

    RawHttp.Response send(String request) throws IOException {
        return RawHttp.exchange(address(), request);
    }

    RawHttp.Response sendFrom(String localAddress, String request) throws IOException {
        return RawHttp.exchangeFrom(InetAddress.getByName(localAddress), address(), request);
    }

    /** The head of the next request the backend received. */
    String backendHead() throws InterruptedException {
        return backend.next().head();
    }

    boolean backendReceivedNothing() {
        return backend.receivedNothing();
    }

    /** Stops the gateway (flushing the access log) and returns the log's lines. */
    List<String> closeAndReadLog() throws IOException {
        close();
        return Files.readAllLines(accessLog);
    }

    /** Every value received for {@code name}, one per header line. */
    static List<String> values(String head, String name) {
        return Arrays.stream(head.split("\r\n"))
                .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).trim())
                .toList();
    }

    @Override
    public void close() throws IOException {
        gateway.close();
        backend.close();
    }
}
