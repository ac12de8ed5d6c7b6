package io.gatehouse.internal.guard;

import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.http2.AbstractHttp2StreamSourceChannel;
import io.undertow.protocols.http2.ConnectionErrorException;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.protocols.http2.Http2StreamSourceChannel;
import io.undertow.server.protocol.framed.FrameHeaderData;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Undertow's server-side HTTP/2 channel with each new request stream put before the connection's
 * {@link Http2Guard} as soon as its header list is decoded, before Undertow's receive listener makes an exchange of
 * it (which replaces {@code Host} with {@code :authority}, and answers some malformed requests by closing the whole
 * connection). A stream the guard refuses is reset and never seen by a handler.
 */
final class CheckedHttp2Channel extends Http2Channel {

    private final Http2Guard guard;
    /** The highest request stream judged: HEADERS on a lower one are trailers (or a protocol error Undertow answers). */
    private int lastJudged;

    /** {@code prefaceRead}: the client preface was already read off {@code connection} (h2c with prior knowledge). */
    CheckedHttp2Channel(StreamConnection connection, String protocol, ByteBufferPool buffers, PooledByteBuffer data,
                        boolean prefaceRead, OptionMap options, Http2Guard guard) {
        super(connection, protocol, buffers, data, false, false, !prefaceRead, options);
        this.guard = guard;
        putAttachment(Http2Guard.KEY, guard);
    }

    /**
     * Undertow's HPACK decoder fails with an unchecked exception on a header name holding CR or LF, which it would
     * log as an unexpected failure with a stack trace: the same connection error, as an expected one.
     */
    @Override
    protected FrameHeaderData parseFrame(ByteBuffer data) throws IOException {
        try {
            return super.parseFrame(data);
        } catch (IllegalArgumentException e) {
            throw connectionError("CR or LF in a header name");
        }
    }

    @Override
    protected AbstractHttp2StreamSourceChannel createChannel(FrameHeaderData header, PooledByteBuffer data)
            throws IOException {
        AbstractHttp2StreamSourceChannel channel;
        try {
            channel = super.createChannel(header, data);
        } catch (NumberFormatException e) {
            // Undertow parses content-length as it creates the stream, before it is known: the connection goes.
            throw connectionError("content-length not a number");
        }
        if (channel instanceof Http2StreamSourceChannel stream && stream.getStreamId() > lastJudged) {
            lastJudged = stream.getStreamId();
            int reset = guard.judge(stream);
            if (reset != 0) {
                sendRstStream(stream.getStreamId(), reset);
                return null;
            }
        }
        return channel;
    }

    /** A connection error: Undertow answers it with GOAWAY {@code PROTOCOL_ERROR} and closes the connection. */
    private ConnectionErrorException connectionError(String reason) {
        guard.refused("HTTP/2 connection closed: " + reason);
        return new ConnectionErrorException(ERROR_PROTOCOL_ERROR, reason);
    }
}
