package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp2;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;

import static io.gatehouse.testing.RawHttp2.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway mounted in an application's own HTTP/2 server has no front-door guard to count an HTTP/2 request body,
 * so the proxy holds it to {@code limits.maxBody} itself: a body of unknown length that passes the limit is
 * refused, never forwarded whole nor cut short and passed off as complete.
 */
@Timeout(60)
class MountedHttp2BodyLimitTest {

    private static final int MAX_BODY = 1024;

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();

    private Undertow server;
    private GatewayHandler handler;

    private InetSocketAddress mountedOverHttp2(RawBackend backend) throws Exception {
        GatewayConfig config = GatewayConfig.builder().maxBody(MAX_BODY)
                .vhost(v -> v.hosts("a.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port()))).build();
        handler = cleanUp.add(Gateway.handler(config));
        server = Undertow.builder().setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .addHttpListener(0, "127.0.0.1").setHandler(handler).build();
        server.start();
        cleanUp.add(server::stop);
        return (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    }

    @Test
    void aBodyOfUnknownLengthPastMaxBodyIsRefusedAndNeverCompletesOnTheBackend() throws Exception {
        RawBackend backend = cleanUp.add(RawBackend.answering(RawBackend.OK));
        InetSocketAddress address = mountedOverHttp2(backend);

        RawHttp2.Outcome outcome;
        try (RawHttp2 h2 = RawHttp2.connect(address)) {
            h2.headers(1, false, request("POST", "a.test", "/upload"));
            for (int i = 0; i < 4; i++) {
                h2.data(1, false, new byte[MAX_BODY / 2]);
            }
            h2.data(1, true, new byte[0]);
            outcome = h2.await(1);
        }

        assertTrue(outcome.status() == 413 || outcome.status() == -1 && outcome.resetCode() >= 0, outcome.toString());
        // Stopped, the proxy lets go of every backend connection: all it ever wrote has then been read.
        server.stop();
        handler.close();
        backend.awaitEveryConnectionEnded();
        assertEquals(0, backend.drain().size(), "requests the backend received whole");
    }
}
