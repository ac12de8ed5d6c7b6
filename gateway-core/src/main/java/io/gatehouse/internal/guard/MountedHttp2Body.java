package io.gatehouse.internal.guard;

import io.undertow.server.HttpServerExchange;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@code limits.maxBody} for an HTTP/2 request body on a connection that no Gatehouse listener accepted (a gateway
 * mounted in an application's own HTTP/2 server, where no {@link Http2Guard} counts it): the read that passes the
 * limit throws a {@link RequestRejectedException} (413), which the proxy answers without forwarding what it holds
 * as a complete request. Undertow's own limit ({@code setMaxEntitySize}) would close the stream instead, which reads
 * as the body's end: a truncated body the proxy would finish as a complete one. Used by the exchange's one reader.
 */
public final class MountedHttp2Body extends ReadThroughConduit {

    private final long maxBody;
    private long delivered;

    private MountedHttp2Body(StreamSourceConduit next, long maxBody) {
        super(next);
        this.maxBody = maxBody;
    }

    /**
     * Holds the body of {@code exchange}, an HTTP/2 request not yet read, to {@code maxBody}, unless its connection's
     * {@link Http2Guard} already does ({@link Http2Body}).
     *
     * @param exchange an HTTP/2 exchange whose request channel has not been taken yet
     * @param maxBody  the most bytes of body its reader gets before a 413 refusal
     */
    public static void limit(HttpServerExchange exchange, long maxBody) {
        if (exchange.getConnection().getAttachment(Http2Guard.KEY) == null) {
            exchange.addRequestWrapper((factory, ignored) -> new MountedHttp2Body(factory.create(), maxBody));
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int read = next.read(dst);
        if (read > 0) {
            delivered += read;
            if (delivered > maxBody) {
                throw new RequestRejectedException(
                        Rejection.of(413, "HTTP/2 body larger than limits.maxBody " + maxBody));
            }
        }
        return read;
    }
}
