package io.gatehouse.internal.guard;

import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.http2.AbstractHttp2StreamSinkChannel;
import io.undertow.protocols.http2.AbstractHttp2StreamSourceChannel;
import io.undertow.protocols.http2.ConnectionErrorException;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.protocols.http2.Http2DataStreamSinkChannel;
import io.undertow.protocols.http2.Http2HeadersStreamSinkChannel;
import io.undertow.protocols.http2.Http2RstStreamStreamSourceChannel;
import io.undertow.protocols.http2.Http2StreamSinkChannel;
import io.undertow.protocols.http2.Http2StreamSourceChannel;
import io.undertow.server.protocol.framed.FrameHeaderData;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Undertow's server-side HTTP/2 channel with each new request stream put before the connection's
 * {@link Http2Guard} as soon as its header list is decoded, before Undertow's receive listener makes an exchange of
 * it (which replaces {@code Host} with {@code :authority}, and answers some malformed requests by closing the whole
 * connection). A stream the guard refuses is reset and never seen by a handler.
 *
 * <p>Frames go out once per IO thread round instead of one write per stream: Undertow writes each frame it is handed
 * at once, so the responses of ten streams finishing in the same round were ten TLS records and ten system calls.
 * Here a response's frames wait for a flush that the first of the round schedules on the connection's IO thread,
 * which runs it after the events of that round (the relays that finished their responses in it) are handled, and
 * sends every frame queued meanwhile in one gathering write. A stream whose buffer fills is still written at once,
 * and so are control frames (SETTINGS, PING, WINDOW_UPDATE, RST_STREAM, GOAWAY).
 *
 * <p>A stream the client resets has its response closed, as Undertow closes it, also when part of the response
 * waits for a flow-control window (the stream's, or the connection's). Undertow 2.4.4 leaves such a response
 * waiting for a window that will never open: its exchange, and whatever the exchange holds (a backend connection),
 * would stay until the connection closed. Closed, its writer fails or its last flush ends, and Undertow ends the
 * exchange as for any reset stream. Undertow never takes a closed frame out of its queue of frames waiting for a
 * window (only the connection's close empties it, and the queue is private), so each such response (about 2 KB)
 * stays until then: the connection ends once it keeps more than its cap of streams in flight, the bound those
 * responses had while they kept their streams in flight.
 */
final class CheckedHttp2Channel extends Http2Channel {

    private final Http2Guard guard;
    /** The highest request stream judged: HEADERS on a lower one are trailers (or a protocol error Undertow answers). */
    private int lastJudged;
    /** A flush of the frames queued so far is scheduled on the IO thread and has not run yet. */
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Made once: a method reference written where it is scheduled would be a new object every round. */
    private final Runnable flushRound = this::flushRound;
    /**
     * The response of each request stream from its first frame until it is sent whole, broken, or reset by either
     * side: what a RST_STREAM from the client closes. Written on the IO thread, but a reset may be sent from any.
     */
    private final Map<Integer, Http2HeadersStreamSinkChannel> responses = new ConcurrentHashMap<>();
    /** Each tracked response's close listener, made once: written in {@link #track}, it would be one per stream. */
    private final ChannelListener<Channel> forgetResponse =
            closed -> responses.remove(((Http2StreamSinkChannel) closed).getStreamId());

    /** {@code prefaceRead}: the client preface was already read off {@code connection} (h2c with prior knowledge). */
    CheckedHttp2Channel(StreamConnection connection, String protocol, ByteBufferPool buffers, PooledByteBuffer data,
                        boolean prefaceRead, OptionMap options, Http2Guard guard) {
        super(connection, protocol, buffers, data, false, false, !prefaceRead, options);
        this.guard = guard;
        putAttachment(Http2Guard.KEY, guard);
        // Only now: the preface and SETTINGS the constructor queued went out at once, before this field was set.
        setRequireExplicitFlush(true);
    }

    @Override
    protected void queueFrame(AbstractHttp2StreamSinkChannel frame) throws IOException {
        super.queueFrame(frame);
        if (!isRequireExplicitFlush()) {
            return;
        }
        if (!(frame instanceof Http2DataStreamSinkChannel)) {
            // Control frames go out at once, as Undertow sends them: a GOAWAY is followed by closing the connection
            // in the same call, before any later flush could run.
            flush();
        } else if (flushScheduled.compareAndSet(false, true)) {
            try {
                getIoThread().execute(flushRound);
            } catch (RejectedExecutionException e) {
                // The IO thread is stopping: Undertow's own flush knows where to run then.
                flushRound();
            }
        }
    }

    private void flushRound() {
        flushScheduled.set(false);
        flush();
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
            track(stream);
        } else if (channel instanceof Http2RstStreamStreamSourceChannel reset) {
            closeResetResponse(reset.getStreamId());
        }
        return channel;
    }

    /**
     * Closes the response of a stream the client reset when part of it waits for a flow-control window: Undertow
     * closed it already unless part of it waits to be sent, and one waiting for the socket is left to Undertow (it
     * writes the part and ends the stream; closing it under the writer would free buffers Undertow still sends from,
     * and Undertow then closes the whole connection). A part waiting for a window stays in Undertow's queue of frames
     * until the connection closes; once the connection keeps more of them than the {@link Http2Guard} allows, it ends
     * with GOAWAY {@code ENHANCE_YOUR_CALM}, as Undertow ends one past its own limit of resets.
     */
    private void closeResetResponse(int streamId) {
        Http2HeadersStreamSinkChannel response = responses.remove(streamId);
        if (response == null || !response.isOpen() || !response.isReadyForFlush()
                || !HeldFrames.held(this, response)) {
            return;
        }
        IoUtils.safeClose(response);
        if (guard.tooManyResetResponsesKept()) {
            sendGoAway(ERROR_ENHANCE_YOUR_CALM);
        }
    }

    /** Keeps {@code stream}'s response for a reset until it is sent whole or broken (its close listener). */
    private void track(Http2StreamSourceChannel stream) {
        Http2HeadersStreamSinkChannel response = stream.getResponseChannel();
        responses.put(stream.getStreamId(), response);
        response.getCloseSetter().set(forgetResponse);
    }

    /** A reset sent by the gateway (or by Undertow) ends the stream: its response is no longer kept for one. */
    @Override
    public void sendRstStream(int streamId, int statusCode) {
        responses.remove(streamId);
        super.sendRstStream(streamId, statusCode);
    }

    /** A connection error: Undertow answers it with GOAWAY {@code PROTOCOL_ERROR} and closes the connection. */
    private ConnectionErrorException connectionError(String reason) {
        guard.refused("HTTP/2 connection closed: " + reason);
        return new ConnectionErrorException(ERROR_PROTOCOL_ERROR, reason);
    }
}
