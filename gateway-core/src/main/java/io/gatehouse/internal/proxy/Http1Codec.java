package io.gatehouse.internal.proxy;

import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AbstractAttachable;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.PooledAdaptor;
import io.undertow.util.Protocols;
import io.undertow.util.StatusCodes;
import org.xnio.ChannelListener;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;

/**
 * HTTP/1.1 to a backend, Gatehouse's own client: writes the {@link RequestHead} and parses the
 * {@link ResponseHead} itself, which costs no second header map on the way out and no extra read after a response
 * framed by length, and refuses a response head that could be read two ways ({@link ResponseFraming}). Interim
 * 1xx responses are dropped (Gatehouse answers the client's own {@code 100-continue}). Bodies stream in both
 * directions with back-pressure, never buffered whole: a request body of unknown length is re-framed as chunked
 * ({@link ChunkingSinkConduit}); a response body is relayed framed as the backend framed it (Content-Length,
 * chunked, or until the backend closes). A WebSocket upgrade answered 101 becomes the exchange's {@link Tunnel}, a
 * byte relay that owns the connection.
 *
 * <p>Reports to its {@link UpstreamCodec.Listener}, as that interface orders them:
 * <ul>
 *   <li>{@code brokeBeforeResponse}: writing the head or body failed, or the backend closed or reset the
 *       connection before the end of a response head;</li>
 *   <li>{@code badResponse}: a malformed head ({@link ResponseHead}), one larger than the buffer (16 KiB, as
 *       nginx's {@code proxy_buffer_size} "too big header"), ambiguous framing, or a 101 the client did not ask
 *       for;</li>
 *   <li>{@code responseBroke}: the backend broke off the body (closed before the end of its Content-Length, a broken
 *       chunk), after the head went out;</li>
 *   <li>{@code clientWentAwayBeforeTheBackend}: the client's socket failed before the whole response was read;</li>
 *   <li>{@code clientWentAwayAfterTheBackend}: the client's socket failed once the whole response was read;</li>
 *   <li>{@code awaitingBody}, {@code awaitingClient}: the body's relay pauses for the backend, or for the client
 *       (the read timeout runs only in the first).</li>
 * </ul>
 *
 * <p>A connection is {@link #reusable()} only when the request was relayed completely and the response read
 * completely (relayed too, unless the client went away once it was all read: a client's abort costs no backend
 * connection whose response is over, as with nginx's keepalive cache; one still receiving is closed), the
 * response did not end the connection ({@code Connection: close}, HTTP/1.0 without keep-alive, a body delimited by
 * the close, Transfer-Encoding in HTTP/1.0), and nothing was seen past the response's end (bytes read along with
 * the response, or left after the last chunk). Such bytes are never relayed; bytes that arrive later close the
 * connection while it is idle ({@link BackendConnection}).
 *
 * <p>One per connection, for its life: the parts of a response head a backend repeats ({@link ResponseHead.Recent})
 * and the listeners are made once, not per request. Not thread-safe: it runs on the connection's IO thread.
 */
final class Http1Codec implements UpstreamCodec, ChannelListener<Channel> {

    /** How the request body goes out; decided when a request starts. */
    private enum RequestBody {
        /** No body to read from the client (none, or all of it already read with the head). */
        NONE,
        /** Framed by the client's Content-Length, which the backend gets as it is. */
        LENGTH,
        /** Of unknown length (the client's chunked framing was consumed by Undertow): re-framed as chunked. */
        CHUNKED
    }

    /** How far the response is; every event of the connection and the client's sink is handled by it. */
    private enum Receiving {
        /** Reading the response head; interim heads are dropped. */
        HEAD,
        /** Relaying the body to the client. */
        BODY,
        /** The whole body was handed to the client's channel. */
        ENDED,
        /** A 101 went to the client; the upgrade relay has not started. */
        SWITCHED,
        /** The upgrade relay runs and owns the connection. */
        UPGRADED,
        /** The exchange let go before the response ended. */
        STOPPED
    }

    private final BackendConnection connection;
    private final ConduitStreamSourceChannel source;
    /** The Host sent when the client's is not preserved: the backend's authority. */
    private final String authority;
    private final boolean preserveHost;
    /** What the last response on this connection said, for the next one to reuse (see {@link ResponseHead}). */
    private final ResponseHead.Recent recent = new ResponseHead.Recent();
    private final RequestSender sender;

    private HttpServerExchange exchange;
    /** The exchange now served; null between requests and once it let go ({@link #stop()}). */
    private UpstreamCodec.Listener listener;
    private RequestBody requestBody;
    private Receiving receiving = Receiving.STOPPED;
    /** The request head while it is being sent. */
    private PooledByteBuffer requestHead;
    /** The response head while it is read; then the body's bytes on their way to the client. */
    private PooledByteBuffer responseBuffer;
    /** The response allows the connection to carry another request (HTTP/1.1 without close, say). */
    private boolean backendKeepsOpen;

    // The response body, while {@link Receiving#BODY}.
    private StreamSinkChannel toClient;
    /** Framed by Content-Length (or bodiless): {@link #remaining} counts down to the end. */
    private boolean counted;
    /** Body bytes still to come from the socket when {@link #counted}. */
    private long remaining;
    /** Under a chunked body: what the chunk decoder read past the body's end comes back here. */
    private PushBackStreamSourceConduit pushBack;
    /** A body delimited by the close has met its end. */
    private boolean sourceDone;

    private Http1Codec(BackendConnection connection, String authority, boolean preserveHost) {
        this.connection = connection;
        this.sender = new RequestSender(connection, this::releaseRequestHead);
        this.source = connection.source();
        this.authority = authority;
        this.preserveHost = preserveHost;
    }

    /**
     * The codec factory for {@code backend}'s connections.
     *
     * @param backend      where the connections go; its authority is the Host sent unless the client's is kept
     * @param preserveHost send the client's Host (Apache's {@code ProxyPreserveHost On}) when it sent one
     * @return a factory, to give the backend's {@link BackendPool}
     */
    static UpstreamCodec.Factory factory(URI backend, boolean preserveHost) {
        String authority = backend.getRawAuthority();
        return connection -> new Http1Codec(connection, authority, preserveHost);
    }

    @Override
    public void start(HttpServerExchange exchange, boolean withBody, UpstreamCodec.Listener listener) {
        this.exchange = exchange;
        this.listener = listener;
        receiving = Receiving.HEAD;
        backendKeepsOpen = false;
        source.setReadListener(this);
        if (!source.isReadResumed()) {
            source.resumeReads();
        }
        HeaderMap headers = exchange.getRequestHeaders();
        requestBody = !withBody ? RequestBody.NONE
                : headers.contains(Headers.CONTENT_LENGTH) ? RequestBody.LENGTH : RequestBody.CHUNKED;
        String host = !preserveHost || !headers.contains(Headers.HOST) ? authority : null;
        requestHead = buffers().allocate();
        ByteBuffer head = RequestHead.encode(exchange, RequestHead.originForm(exchange), host,
                requestBody == RequestBody.CHUNKED, requestHead.getBuffer());
        sender.send(exchange, listener, head, switch (requestBody) {
            case NONE -> null;
            case LENGTH -> keepingOpen(connection.rawSink());
            case CHUNKED -> new ChunkingSinkConduit(connection.rawSink());
        });
    }

    @Override
    public Relay stop() {
        Relay relay = Relay.NONE;
        if (receiving == Receiving.BODY && responseRead()) {
            // The client left, its exchange ended, after the whole response was read: the connection is as fit for
            // another request as at a normal end.
            relay = Relay.READ_WHOLE;
            endResponse();
        } else if (receiving == Receiving.BODY) {
            relay = Relay.CUT_SHORT;
            stopRelay(true);
            receiving = Receiving.STOPPED;
        } else if (receiving == Receiving.HEAD) {
            receiving = Receiving.STOPPED;
        }
        if (requestHead != null) {
            requestHead.close();
            requestHead = null;
        }
        if (responseBuffer != null) {
            responseBuffer.close();
            responseBuffer = null;
        }
        listener = null;
        sender.release();
        exchange = null;
        toClient = null;
        return relay;
    }

    @Override
    public boolean reusable() {
        return sender.sent() && receiving == Receiving.ENDED && backendKeepsOpen;
    }

    private ByteBufferPool buffers() {
        return exchange.getConnection().getByteBufferPool();
    }

    private void releaseRequestHead() {
        requestHead.close();
        requestHead = null;
    }

    /** A body framed by Content-Length: ending it must not end the connection, as the raw socket would. */
    private static StreamSinkConduit keepingOpen(StreamSinkConduit next) {
        return new AbstractStreamSinkConduit<>(next) {
            @Override
            public void terminateWrites() {
            }

            @Override
            public int writeFinal(ByteBuffer src) throws IOException {
                return next.write(src);
            }

            @Override
            public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
                return next.write(srcs, offs, len);
            }
        };
    }

    /** The backend's socket is readable, or the client's writable; what that means depends on the response's phase. */
    @Override
    public void handleEvent(Channel channel) {
        switch (receiving) {
            case HEAD -> readHead();
            case BODY -> pump();
            // A late event; nothing of it is wanted.
            default -> suspend(channel);
        }
    }

    /**
     * Reads the backend's answer until a final response head (or a 101) is whole; interim 1xx responses are
     * dropped, as the client's own 100-continue was answered by Gatehouse.
     */
    private void readHead() {
        if (responseBuffer == null) {
            responseBuffer = buffers().allocate();
            responseBuffer.getBuffer().clear();
        }
        ByteBuffer buffer = responseBuffer.getBuffer();
        int read;
        try {
            read = source.read(buffer);
        } catch (IOException e) {
            listener.brokeBeforeResponse("reading the response failed: " + ProxyLog.describe(e));
            return;
        }
        if (read == 0) {
            return;
        }
        if (read < 0) {
            listener.brokeBeforeResponse(buffer.position() == 0 ? "backend closed the connection before responding"
                    : "backend closed the connection in the middle of the response head");
            return;
        }
        buffer.flip();
        ResponseHead head;
        try {
            do {
                head = ResponseHead.parse(buffer, recent);
            } while (head != null && head.isInterim() && head.status != StatusCodes.SWITCHING_PROTOCOLS);
        } catch (ResponseHead.Malformed e) {
            listener.badResponse("invalid response: " + e.getMessage());
            return;
        }
        if (head == null) {
            if (buffer.remaining() == buffer.capacity()) {
                listener.badResponse("invalid response: head larger than " + buffer.capacity() + " bytes");
                return;
            }
            buffer.compact();
            return;
        }
        headArrived(head);
    }

    /** {@link #responseBuffer} holds what came after the head: the start of the body, or of the upgraded protocol. */
    private void headArrived(ResponseHead response) {
        listener.answered();
        String problem = ResponseFraming.problem(response);
        boolean webSocket = response.status == StatusCodes.SWITCHING_PROTOCOLS && HopByHop.isWebSocketUpgrade(exchange);
        if (problem == null && response.status == StatusCodes.SWITCHING_PROTOCOLS && !webSocket) {
            problem = "switching protocols the client did not ask for";
        }
        if (problem != null) {
            listener.badResponse("invalid response: " + problem);
            return;
        }
        exchange.setStatusCode(response.status);
        if (!response.reason.equals(StatusCodes.getReason(response.status))) {
            // An attachment on the exchange; the usual phrase is Undertow's default and needs none.
            exchange.setReasonPhrase(response.reason);
        }
        HopByHop.copyEndToEnd(response, exchange.getResponseHeaders(), webSocket);
        if (webSocket) {
            switchProtocols();
            return;
        }
        listener.relaying(response.status);
        backendKeepsOpen = response.keepsConnectionOpen();
        startBody(response);
        pump();
    }

    /** Hands the connection to the exchange's {@link Tunnel} once Undertow has switched the client's connection too. */
    private void switchProtocols() {
        receiving = Receiving.SWITCHED;
        PooledByteBuffer early = responseBuffer;
        responseBuffer = null;
        ByteBufferPool buffers = buffers();
        Tunnel tunnel = listener.switching();
        exchange.upgradeChannel((client, upgraded) -> relayUpgraded(tunnel, client, early, buffers));
        // The tunnel's watch ends with the client's connection; so does the backend connection when the switch never
        // happens (the client goes away first): nothing else would close it, and its pool slot would stay taken.
        exchange.getConnection().addCloseListener(closed -> tunnel.clientClosed());
        listener.responseRelayed(exchange.getResponseChannel());
    }

    private void relayUpgraded(Tunnel tunnel, StreamConnection client, PooledByteBuffer early, ByteBufferPool buffers) {
        receiving = Receiving.UPGRADED;
        if (early.getBuffer().hasRemaining()) {
            // What the backend sent right after its 101 belongs to the new protocol: the client gets it first.
            PushBackStreamSourceConduit pushBack = new PushBackStreamSourceConduit(connection.rawSource());
            pushBack.pushBack(new PooledAdaptor(early));
            source.setConduit(pushBack);
        } else {
            early.close();
        }
        tunnel.relay(client, buffers);
    }

    /**
     * Sets up the relay of {@code response}'s body from {@link #responseBuffer}, which holds the bytes read along
     * with the head, then from the socket, framed as the backend framed it.
     */
    private void startBody(ResponseHead response) {
        toClient = exchange.getResponseChannel();
        ByteBuffer buffer = responseBuffer.getBuffer();
        int status = response.status;
        boolean noBody = Methods.HEAD.equals(exchange.getRequestMethod()) || status == StatusCodes.NO_CONTENT
                || status == StatusCodes.NOT_MODIFIED;
        String length = response.first(Headers.CONTENT_LENGTH);
        counted = noBody || length != null;
        pushBack = null;
        sourceDone = false;
        if (counted) {
            remaining = noBody ? 0 : Long.parseLong(length);
            keepTheBody(buffer);
        } else if (response.count(Headers.TRANSFER_ENCODING) > 0) {
            if (!Protocols.HTTP_1_1.equals(response.protocol)) {
                // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message is faulty framing; close after it.
                backendKeepsOpen = false;
            }
            pushBack = new PushBackStreamSourceConduit(connection.rawSource());
            if (buffer.hasRemaining()) {
                pushBack.pushBack(new PooledAdaptor(responseBuffer));
                responseBuffer = buffers().allocate();
                responseBuffer.getBuffer().clear().flip();
            }
            source.setConduit(new ChunkedStreamSourceConduit(pushBack, pushBack, buffers(), chunked -> { },
                    new AbstractAttachable() { }, connection.channel()));
        } else {
            // Delimited by the backend closing the connection, which therefore cannot carry another request.
            backendKeepsOpen = false;
        }
        receiving = Receiving.BODY;
        toClient.getWriteSetter().set(this);
    }

    /**
     * Writes what is buffered, reads more, until the body ends or one side must be waited for: the client when its
     * socket is full (reads from the backend pause meanwhile), the backend when it has sent nothing more.
     */
    private void pump() {
        ByteBuffer buffer = responseBuffer.getBuffer();
        while (true) {
            try {
                while (buffer.hasRemaining()) {
                    if (toClient.write(buffer) == 0) {
                        UpstreamCodec.awaitClient(toClient, source, listener);
                        return;
                    }
                }
            } catch (IOException e) {
                clientWentAway(e);
                return;
            }
            if (responseRead()) {
                finished();
                return;
            }
            buffer.clear();
            int read;
            try {
                read = source.read(buffer);
            } catch (IOException e) {
                listener.responseBroke("backend broke off the response: " + ProxyLog.describe(e));
                return;
            }
            buffer.flip();
            if (counted && read > 0) {
                keepTheBody(buffer);
            }
            if (read == 0) {
                UpstreamCodec.awaitBackend(toClient, source, listener);
                return;
            }
            if (read < 0) {
                if (counted) {
                    listener.responseBroke("backend broke off the response: closed before the end of its Content-Length");
                    return;
                }
                sourceDone = true;
            }
        }
    }

    /**
     * Counts the body bytes in {@code buffer} (ready to write) against {@link #remaining}. Reads are never limited
     * to what is left, so bytes a backend sends past the end of its response mostly arrive in the same read: they
     * are cut off here, never relayed, and the connection is not reused (nginx: "upstream sent more data than
     * specified"). What comes later, on the idle connection, closes it there.
     */
    private void keepTheBody(ByteBuffer buffer) {
        if (buffer.remaining() > remaining) {
            backendKeepsOpen = false;
            buffer.limit(buffer.position() + (int) remaining);
        }
        remaining -= buffer.remaining();
    }

    /**
     * The body's end was read: its Content-Length is spent, its last chunk came, or the backend closed a body it
     * delimits so. Only what was read counts; the end of a chunked body is known once the chunk decoder reported it.
     */
    private boolean responseRead() {
        return sourceDone || (counted && remaining == 0);
    }

    /** The whole body is read and handed to the client's channel: the connection goes idle, the response ends. */
    private void finished() {
        endResponse();
        // Last: the exchange may end inside this call, and the connection serve another request.
        listener.responseRelayed(toClient);
    }

    /**
     * Writing the body to the client failed. Undertow may have ended the exchange inside the write, which stopped
     * this codec (and may have started the next request on a connection found reusable): nothing is left to do
     * then. Otherwise the exchange hears of it: once the whole response was read, as the client's event alone, the
     * connection's reuse decided as at a normal end; before, as a broken relay.
     */
    private void clientWentAway(IOException failure) {
        if (receiving != Receiving.BODY) {
            return;
        }
        if (responseRead()) {
            endResponse();
            listener.clientWentAwayAfterTheBackend(failure);
        } else {
            UpstreamCodec.clientWentAway(listener, failure);
        }
    }

    /**
     * The whole response was read: the connection goes idle when it can carry another request (the request sent
     * whole, the backend keeping it open, nothing after the response's end), and is left to be closed otherwise.
     */
    private void endResponse() {
        if (pushBack != null && backendKeepsOpen) {
            backendKeepsOpen = nothingMoreFrom(pushBack);
        }
        receiving = Receiving.ENDED;
        boolean reusable = sender.sent() && backendKeepsOpen && connection.isOpen();
        // A reusable connection keeps reading (its idle watch takes over); any other is closed when the exchange
        // ends and reads nothing until then.
        stopRelay(!reusable);
        if (reusable) {
            connection.idle();
        }
    }

    /** Whether the backend sent nothing after the last chunk: whatever it did would be read as the next response. */
    private boolean nothingMoreFrom(PushBackStreamSourceConduit afterBody) {
        ByteBuffer probe = responseBuffer.getBuffer().clear();
        try {
            return afterBody.read(probe) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** No more events of the relay are handled, and its buffer goes back to the pool. */
    private void stopRelay(boolean stopReading) {
        toClient.getWriteSetter().set(null);
        if (toClient.isWriteResumed()) {
            toClient.suspendWrites();
        }
        if (stopReading && source.getReadListener() == this) {
            source.suspendReads();
        }
        responseBuffer.close();
        responseBuffer = null;
    }

    private static void suspend(Channel channel) {
        if (channel instanceof StreamSinkChannel writes) {
            writes.suspendWrites();
        } else if (channel instanceof ConduitStreamSourceChannel reads) {
            reads.suspendReads();
        }
    }
}
