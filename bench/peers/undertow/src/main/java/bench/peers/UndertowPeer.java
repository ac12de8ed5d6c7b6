package bench.peers;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.NameVirtualHostHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;

/**
 * Bare Undertow 2.4's own reverse proxy ({@code ProxyHandler} with a {@code LoadBalancingProxyClient}) as a benchmark
 * peer of Gatehouse, which runs on the same server: the floor of what Undertow gives. One virtual host
 * ({@code peer.host}, default 127.0.0.1; any other Host gets 404) proxied to {@code peer.backend} with the client's
 * Host kept (the proxy's default) and its X-Forwarded-* headers, and a keep-alive pool of up to 256 backend
 * connections per IO thread, with up to 1,024 requests queued for one. Listens on 127.0.0.1:{@code peer.port}; with
 * {@code peer.keystore} (PKCS12, password {@code peer.password}) it speaks TLS with HTTP/2 enabled (ALPN). Fails at
 * start-up if the port is taken.
 */
public final class UndertowPeer {
    public static void main(String[] args) throws Exception {
        LoadBalancingProxyClient backend = new LoadBalancingProxyClient()
                .setConnectionsPerThread(256)
                // Its default queue is none: a request finding every connection busy got 503 (HTTP/2, 640 streams).
                .setMaxQueueSize(1024)
                .addHost(URI.create(System.getProperty("peer.backend")));
        NameVirtualHostHandler vhosts = new NameVirtualHostHandler()
                .addHost(System.getProperty("peer.host", "127.0.0.1"),
                        ProxyHandler.builder().setProxyClient(backend).setNext(ResponseCodeHandler.HANDLE_404).build())
                .setDefaultHandler(ResponseCodeHandler.HANDLE_404);

        Undertow.Builder server = Undertow.builder().setHandler(vhosts);
        int port = Integer.getInteger("peer.port");
        String keystore = System.getProperty("peer.keystore");
        if (keystore == null) {
            server.addHttpListener(port, "127.0.0.1");
        } else {
            server.addHttpsListener(port, "127.0.0.1", tls(keystore, System.getProperty("peer.password", "bench").toCharArray()))
                    .setServerOption(UndertowOptions.ENABLE_HTTP2, true);
        }
        server.build().start();
    }

    private static SSLContext tls(String keystore, char[] password) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore)) {
            keys.load(in, password);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }
}
