package bench.peers;

import java.net.URI;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.PfxOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Vert.x 5's reverse proxy ({@code vertx-http-proxy}) as a benchmark peer of Gatehouse: one virtual host
 * ({@code peer.host}, default 127.0.0.1; any other Host gets 404) proxied to {@code peer.backend} with the client's
 * Host kept, X-Forwarded-For and X-Forwarded-Proto set, and a keep-alive pool of up to 256 backend connections per
 * event loop. One verticle (server + client) per CPU, as Vert.x servers are deployed to use every core. Listens on
 * 127.0.0.1:{@code peer.port}; with {@code peer.keystore} (PKCS12, password {@code peer.password}) it speaks TLS
 * with ALPN offering h2 and http/1.1. Exits with status 1 if the deployment fails (port taken, bad keystore).
 */
public final class VertxPeer extends VerticleBase {
    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(VertxPeer::new, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public Future<?> start() {
        URI backend = URI.create(System.getProperty("peer.backend"));
        String host = System.getProperty("peer.host", "127.0.0.1");
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(256));
        HttpProxy proxy = HttpProxy.reverseProxy(client).origin(backend.getPort(), backend.getHost());
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                HttpServerRequest incoming = context.request().proxiedRequest();
                context.request().setAuthority(incoming.authority());   // by default the origin's host:port is sent
                context.request().headers()
                        .set("X-Forwarded-For", incoming.remoteAddress().hostAddress())
                        .set("X-Forwarded-Proto", incoming.scheme());
                return context.sendRequest();
            }

            // vertx-http-proxy 5.0.7 passes the backend's "Connection: keep-alive" on; HTTP/2 forbids it (every
            // stream reset with PROTOCOL_ERROR).
            @Override
            public Future<Void> handleProxyResponse(ProxyContext context) {
                context.response().headers().remove("Connection").remove("Keep-Alive");
                return context.sendResponse();
            }
        });

        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(Integer.getInteger("peer.port"));
        String keystore = System.getProperty("peer.keystore");
        if (keystore != null) {
            options.setSsl(true).setUseAlpn(true)
                    .setKeyCertOptions(new PfxOptions().setPath(keystore).setPassword(System.getProperty("peer.password", "bench")));
        }
        return vertx.createHttpServer(options).requestHandler(request -> {
            HostAndPort authority = request.authority();
            if (authority != null && host.equalsIgnoreCase(authority.host())) {
                proxy.handle(request);
            } else {
                request.response().setStatusCode(404).end();
            }
        }).listen();
    }
}
