package bench.peers;

import java.util.List;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12's reverse proxy ({@code ProxyHandler.Reverse}) as a benchmark peer of Gatehouse: one virtual host
 * ({@code peer.host}, default 127.0.0.1; any other Host gets Jetty's 404) proxied to {@code peer.backend} with the
 * client's Host kept, X-Forwarded-For and X-Forwarded-Proto set, and a keep-alive pool of up to 256 backend
 * connections. Listens on 127.0.0.1:{@code peer.port}; with {@code peer.keystore} (PKCS12, password
 * {@code peer.password}) it speaks TLS with ALPN offering h2 and http/1.1. Fails at start-up if the port is taken.
 */
public final class JettyPeer {
    public static void main(String[] args) throws Exception {
        String backend = System.getProperty("peer.backend");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, connectionFactories(System.getProperty("peer.keystore")));
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.getInteger("peer.port"));
        server.addConnector(connector);

        ContextHandler vhost = new ContextHandler(new ProxyHandler.Reverse(
                request -> HttpURI.build(backend + request.getHttpURI().getPathQuery())) {
            @Override
            protected void configureHttpClient(HttpClient client) {
                super.configureHttpClient(client);
                client.setMaxConnectionsPerDestination(256);   // Jetty's default is 64
            }

            // An HTTP/2 request carries its host in :authority, which Jetty does not copy: the backend would see
            // its own address as Host.
            @Override
            protected void copyRequestHeaders(Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
                super.copyRequestHeaders(clientToProxy, proxyToServer);
                proxyToServer.headers(headers -> headers.put(HttpHeader.HOST, clientToProxy.getHttpURI().getAuthority()));
            }

            // Jetty sends the RFC 7239 Forwarded header; the other proxies measured send these two.
            @Override
            protected void addForwardedHeader(Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
                proxyToServer.headers(headers -> headers
                        .put("X-Forwarded-For", Request.getRemoteAddr(clientToProxy))
                        .put("X-Forwarded-Proto", clientToProxy.isSecure() ? "https" : "http"));
            }
        }, "/");
        vhost.setVirtualHosts(List.of(System.getProperty("peer.host", "127.0.0.1")));
        server.setHandler(vhost);
        server.start();
        server.join();
    }

    private static org.eclipse.jetty.server.ConnectionFactory[] connectionFactories(String keystore) {
        HttpConfiguration config = new HttpConfiguration();
        HttpConnectionFactory http1 = new HttpConnectionFactory(config);
        if (keystore == null) {
            return new org.eclipse.jetty.server.ConnectionFactory[] {http1};
        }
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);   // load generators connect to 127.0.0.1, a name the certificate also holds
        config.addCustomizer(secure);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keystore);
        tls.setKeyStorePassword(System.getProperty("peer.password", "bench"));
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        return new org.eclipse.jetty.server.ConnectionFactory[] {
            new SslConnectionFactory(tls, alpn.getProtocol()), alpn, new HTTP2ServerConnectionFactory(config), http1};
    }
}
