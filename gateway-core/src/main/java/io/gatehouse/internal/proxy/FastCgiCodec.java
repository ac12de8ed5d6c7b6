package io.gatehouse.internal.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.Arrays;

/**
 * FastCGI 1.0 to a responder (php-cgi, php-fpm), the second {@link UpstreamCodec}: it relays one request at a time
 * and its answer over a connection kept open ({@code FCGI_KEEP_CONN}). The request goes out in the records
 * {@link FastCgiRecords} frames: its {@link CgiParams} encoded straight into a pooled buffer, the body streamed in
 * {@code FCGI_STDIN} records (never buffered whole). The answer's records are read by a {@link FastCgiRecordReader}
 * as they arrive: the CGI header block at the start of {@code FCGI_STDOUT} ({@link CgiResponseHead}) is the response
 * head, the rest is relayed as the body with back-pressure, gathered into few writes: when the script sent no
 * Content-Length, a response read to its end before anything of it was written (up to five buffers) gets one, as
 * lighttpd gives it, and a longer or slower one goes chunked to an HTTP/1.1 client; {@code FCGI_STDERR} goes to the
 * proxy's log, one WARNING line per line the script wrote, repeats summarised ({@link ProxyLog#scriptError});
 * {@code FCGI_END_REQUEST} ends the response.
 *
 * <p>Reports, as {@link UpstreamCodec} orders them: {@code brokeBeforeResponse} when writing fails or the server
 * closes before a whole CGI head; {@code badResponse} for a malformed record or head, a head over 64 KiB (lighttpd's
 * limit), a request ended without any head, or a failure after the head before anything went to the client;
 * {@code responseBroke} when the server closes once the response is on its way, {@code clientWentAwayBeforeTheBackend}
 * when the client goes away then ({@code clientWentAwayAfterTheBackend} once {@code FCGI_END_REQUEST} was read);
 * {@code awaitingBody} and {@code awaitingClient} when the body's relay pauses for the server or for the client. A
 * connection is {@link #reusable()} after an {@code FCGI_END_REQUEST} that completed the request, when the whole
 * request was sent and nothing came after the end, whether or not the client stayed to take all of the response.
 *
 * <p>Not thread-safe: it runs on the connection's IO thread.
 */
final class FastCgiCodec implements UpstreamCodec, ChannelListener<Channel>, FastCgiRecordReader.Handler {

    /** lighttpd's {@code MAX_HTTP_RESPONSE_FIELD_SIZE}: a bigger head is no head. */
    private static final int MAX_HEAD = 64 * 1024;
    /** A longer stderr line is logged in parts. */
    private static final int MAX_LOG_LINE = 4096;
    /**
     * Read buffers one response may hold at once: up to five of the connection's 16 KiB buffers of records are read
     * before anything is written to the client, so that a response of up to 64 KiB goes out whole, with a length.
     */
    private static final int MAX_BUFFERS = 5;
    /** Body slices gathered into one write to the client. */
    private static final int MAX_SLICES = 32;

    /** HEAD until the CGI head is whole, BODY after, ENDING from FCGI_END_REQUEST until the client has it all. */
    private enum Receiving { HEAD, BODY, ENDING, ENDED, STOPPED }

    private final BackendConnection connection;
    private final ConduitStreamSourceChannel source;
    private final URI backend;
    private final ProxyLog log;
    private final RequestSender sender;
    private final FastCgiRecordReader records = new FastCgiRecordReader(this);

    private HttpServerExchange exchange;
    private UpstreamCodec.Listener listener;
    /** The pooled buffer the request's head is encoded into, until it is written; null after. */
    private PooledByteBuffer requestHead;
    private Receiving receiving = Receiving.STOPPED;
    /**
     * What is read from the server, oldest first: the last buffer is the one read into and parsed, the others hold
     * body bytes parsed into {@link #slices} and not yet written.
     */
    private final PooledByteBuffer[] buffers = new PooledByteBuffer[MAX_BUFFERS];
    private int buffered;
    /**
     * Buffers filled by the last read beyond the one parsed, in order, not parsed yet; each keeps its first
     * {@link FastCgiRecordReader#UNREAD_ROOM} bytes free for what was left unread at the end of the one before.
     */
    private final PooledByteBuffer[] ahead = new PooledByteBuffer[MAX_BUFFERS];
    private int aheadCount;
    /** Where one read puts its bytes: the parsed buffer's free end, then fresh buffers. */
    private final ByteBuffer[] reads = new ByteBuffer[MAX_BUFFERS];
    /** The script's body bytes parsed and not yet written to the client, in order; the first may be partly written. */
    private final ByteBuffer[] slices = new ByteBuffer[MAX_SLICES];
    private int sliceCount;
    private long sliceBytes;
    /** The CGI head as it arrives. */
    private byte[] head = new byte[0];
    private int headLength;
    /** The script's head, parsed and not yet given to the exchange (which {@link #toClient} then says). */
    private CgiResponseHead response;
    private final StringBuilder stderr = new StringBuilder();
    /** The client's response channel, once the head was given to the exchange; null before. */
    private StreamSinkChannel toClient;
    /** A HEAD request, or a bodiless status: the script's body bytes are dropped. */
    private boolean dropBody;
    private boolean completed;

    private FastCgiCodec(BackendConnection connection, URI backend, ProxyLog log) {
        this.connection = connection;
        this.source = connection.source();
        // The server's records after a large one wait for the gateway's acknowledgement (see QuickAck).
        this.sender = new RequestSender(connection, this::releaseRequestHead, () -> QuickAck.request(connection.channel()));
        this.backend = backend;
        this.log = log;
    }

    /**
     * The codec factory for a FastCGI server's connections.
     *
     * @param backend the server, for the log
     * @param log     where the scripts' stderr lines go
     * @return a factory, to give the server's {@link BackendPool}
     */
    static UpstreamCodec.Factory factory(URI backend, ProxyLog log) {
        return connection -> new FastCgiCodec(connection, backend, log);
    }

    @Override
    public void start(HttpServerExchange exchange, boolean withBody, UpstreamCodec.Listener listener) {
        this.exchange = exchange;
        this.listener = listener;
        receiving = Receiving.HEAD;
        records.reset();
        headLength = 0;
        completed = false;
        response = null;
        Arrays.fill(slices, null);
        stderr.setLength(0);
        source.setReadListener(this);
        if (!source.isReadResumed()) {
            source.resumeReads();
        }
        FastCgiScript script = FastCgiScript.of(exchange);
        requestHead = buffers().allocate();
        sender.send(exchange, listener, request(exchange, script, withBody, requestHead.getBuffer()),
                withBody ? new FastCgiRecords.StdinConduit(connection.rawSink()) : null);
    }

    /** The request's head, flipped, ready to write: in {@code into} when it fits there, else in a new buffer. */
    private static ByteBuffer request(HttpServerExchange exchange, FastCgiScript script, boolean withBody,
                                      ByteBuffer into) {
        HeaderMap headers = exchange.getRequestHeaders();
        long length = !withBody && !headers.contains(Headers.CONTENT_LENGTH) ? 0
                : headers.contains(Headers.CONTENT_LENGTH) ? exchange.getRequestContentLength() : -1;
        ByteBuffer pairs = CgiParams.encode(exchange, script, length, into.clear().position(FastCgiRecords.PAIRS_AT));
        return FastCgiRecords.request(pairs, withBody);
    }

    @Override
    public Relay stop() {
        Relay relay = Relay.NONE;
        if (receiving == Receiving.ENDING) {
            // The client left, its exchange ended, after FCGI_END_REQUEST was read: the connection is as fit for
            // another request as at a normal end.
            relay = Relay.READ_WHOLE;
            endResponse();
        } else if (receiving == Receiving.BODY) {
            relay = Relay.CUT_SHORT;
            stopRelay(true);
        }
        if (receiving != Receiving.ENDED) {
            receiving = Receiving.STOPPED;
        }
        releaseBuffers();
        releaseRequestHead();
        flushStderr();
        listener = null;
        sender.release();
        exchange = null;
        toClient = null;
        response = null;
        return relay;
    }

    @Override
    public boolean reusable() {
        return sender.sent() && receiving == Receiving.ENDED && completed;
    }

    private ByteBufferPool buffers() {
        return exchange.getConnection().getByteBufferPool();
    }

    private void releaseRequestHead() {
        if (requestHead != null) {
            requestHead.close();
            requestHead = null;
        }
    }

    // --- The response ---

    @Override
    public void handleEvent(Channel channel) {
        if (receiving == Receiving.HEAD || receiving == Receiving.BODY || receiving == Receiving.ENDING) {
            pump();
        } else if (channel instanceof StreamSinkChannel writes) {
            writes.suspendWrites();
        } else if (channel instanceof ConduitStreamSourceChannel reads) {
            reads.suspendReads();
        }
    }

    /**
     * Parses what was read, gathers the body bytes, reads more, until the request ends or one side must be waited
     * for: the client when its socket is full (reads from the server pause meanwhile), the server when it sent
     * nothing more (what was gathered goes to the client first). The body bytes of several records and reads go to
     * the client in one write, and a response whose end was read before anything of it was written gets a
     * Content-Length (as lighttpd gives it) instead of chunks: one write to the client for a whole response.
     */
    private void pump() {
        if (buffered == 0) {
            buffers[buffered++] = buffers().allocate();
            current().clear().flip();
        }
        if (receiving == Receiving.ENDING) {
            finish();
            return;
        }
        if (sliceCount > 0 && !writeSlices()) {
            return;
        }
        while (true) {
            ByteBuffer buffer = current();
            if (!records.read(buffer)) {
                return;
            }
            if (aheadCount > 0) {
                advance(buffer);
                continue;
            }
            if (sliceCount == 0) {
                buffer.compact().flip();
            } else if (buffer.limit() == buffer.capacity()) {
                if (buffered == MAX_BUFFERS) {
                    if (!writeSlices()) {
                        return;
                    }
                    buffer.compact().flip();
                } else {
                    buffer = nextBuffer(buffer);
                }
            }
            int parsed = buffer.position();
            buffer.position(buffer.limit()).limit(buffer.capacity());
            // While a body is being gathered, one read may also fill the buffers still free, as nginx reads into
            // its chain of buffers: a 64 KiB answer then takes two reads instead of five.
            int spares = receiving == Receiving.BODY && sliceCount > 0 ? MAX_BUFFERS - buffered : 0;
            reads[0] = buffer;
            for (int i = 0; i < spares; i++) {
                ahead[i] = buffers().allocate();
                reads[i + 1] = ahead[i].getBuffer().clear().position(FastCgiRecordReader.UNREAD_ROOM);
            }
            long read;
            try {
                read = spares == 0 ? source.read(buffer) : source.read(reads, 0, spares + 1);
            } catch (IOException e) {
                buffer.limit(buffer.position()).position(parsed);
                keepReadAhead(spares);
                broke("reading the response failed: " + ProxyLog.describe(e));
                return;
            }
            buffer.limit(buffer.position()).position(parsed);
            keepReadAhead(spares);
            if (read == 0) {
                if (receiving == Receiving.BODY && !writeSlices()) {
                    return;
                }
                waitForServer();
                return;
            }
            if (read < 0) {
                broke(receiving == Receiving.HEAD && headLength == 0 ? "FastCGI server closed the connection before responding"
                        : "FastCGI server closed the connection before the end of the request");
                return;
            }
        }
    }

    private ByteBuffer current() {
        return buffers[buffered - 1].getBuffer();
    }

    /** Keeps the first {@code spares} fresh buffers of the last read that got bytes, as {@link #ahead}. */
    private void keepReadAhead(int spares) {
        for (int i = 0; i < spares; i++) {
            ByteBuffer spare = reads[i + 1];
            reads[i + 1] = null;
            if (spare.position() > FastCgiRecordReader.UNREAD_ROOM) {
                spare.limit(spare.position()).position(FastCgiRecordReader.UNREAD_ROOM);
                ahead[aheadCount++] = ahead[i];
            } else {
                ahead[i].close();
            }
            if (i >= aheadCount) {
                ahead[i] = null;
            }
        }
        reads[0] = null;
    }

    /** Parsing moves on to the first buffer read ahead, the unparsed end of {@code parsed} put before its bytes. */
    private void advance(ByteBuffer parsed) {
        PooledByteBuffer next = ahead[0];
        System.arraycopy(ahead, 1, ahead, 0, aheadCount - 1);
        ahead[--aheadCount] = null;
        ByteBuffer into = next.getBuffer();
        int start = into.position() - parsed.remaining();
        into.position(start);
        into.put(parsed).position(start);
        buffers[buffered++] = next;
        if (sliceCount == 0) {
            releaseParsed();
        }
    }

    /** A fresh buffer to read into, after the unparsed end of {@code full}, whose parsed bytes stay gathered. */
    private ByteBuffer nextBuffer(ByteBuffer full) {
        PooledByteBuffer next = buffers().allocate();
        buffers[buffered++] = next;
        return next.getBuffer().clear().put(full).flip();
    }

    private void waitForServer() {
        if (receiving == Receiving.BODY) {
            // What a script flushed reaches the client now, not when a buffer fills; its silence counts from now.
            UpstreamCodec.awaitBackend(toClient, source, listener);
        } else if (!source.isReadResumed()) {
            source.resumeReads();
        }
    }

    private void broke(String reason) {
        if (receiving == Receiving.HEAD) {
            listener.brokeBeforeResponse(reason);
        } else if (toClient == null) {
            listener.badResponse(reason);
        } else {
            listener.responseBroke(reason);
        }
    }

    @Override
    public boolean stdout(ByteBuffer buffer, int length) {
        if (receiving == Receiving.HEAD) {
            return headBytes(buffer, length);
        }
        if (!roomForSlice()) {
            // Nothing of the record is taken: it is offered again once the client has taken the slices.
            return false;
        }
        int start = buffer.position();
        buffer.position(start + length);
        gather(buffer.slice(start, length));
        return true;
    }

    @Override
    public void stderr(ByteBuffer buffer, int length) {
        for (int i = 0; i < length; i++) {
            char c = (char) (buffer.get() & 0xff);
            if (c == '\n' || stderr.length() >= MAX_LOG_LINE) {
                flushStderr();
            }
            if (c != '\n' && c != '\r') {
                stderr.append(c);
            }
        }
    }

    @Override
    public void requestEnded(boolean completeAndLast) {
        // Anything after the end, in the buffer parsed or one read ahead, is a server out of step: not reused.
        ended(completeAndLast && aheadCount == 0);
    }

    @Override
    public void malformed(String reason) {
        bad(reason);
    }

    private boolean headBytes(ByteBuffer buffer, int count) {
        if (headLength + count > MAX_HEAD) {
            bad("invalid response: script's head larger than " + MAX_HEAD + " bytes");
            return false;
        }
        if (head.length < headLength + count) {
            head = Arrays.copyOf(head, Math.max(headLength + count, Math.min(MAX_HEAD, 2 * head.length + 1024)));
        }
        buffer.get(head, headLength, count);
        headLength += count;
        int end = CgiResponseHead.end(head, headLength);
        if (end < 0) {
            return true;
        }
        try {
            response = CgiResponseHead.parse(head, end);
        } catch (CgiResponseHead.Malformed e) {
            listener.answered();
            bad("invalid response: " + e.getMessage());
            return false;
        }
        listener.answered();
        dropBody = Methods.HEAD.equals(exchange.getRequestMethod()) || response.status == StatusCodes.NO_CONTENT
                || response.status == StatusCodes.NOT_MODIFIED;
        receiving = Receiving.BODY;
        // The head array is not written again before the next request: the body bytes after the head stay in it.
        if (end < headLength) {
            // The first of the response's slices: there is room.
            gather(ByteBuffer.wrap(head, end, headLength - end));
        }
        return true;
    }

    /**
     * Whether one more slice can be gathered: there is room, or the gathered ones could all be written; false when
     * the client's socket is full (client writes are resumed then) or the client is gone.
     */
    private boolean roomForSlice() {
        return dropBody || sliceCount < MAX_SLICES || writeSlices();
    }

    /** Adds body bytes to what goes to the client next; {@link #roomForSlice} said there is room. */
    private void gather(ByteBuffer slice) {
        if (dropBody) {
            return;
        }
        slices[sliceCount++] = slice;
        sliceBytes += slice.remaining();
    }

    /**
     * Gives the parsed head to the exchange and takes the client's response channel, the body to follow in
     * {@code length} bytes, or chunked when -1 (unless the script gave its own length).
     */
    private void respond(long length) {
        exchange.setStatusCode(response.status);
        if (response.reason != null) {
            exchange.setReasonPhrase(response.reason);
        }
        HeaderMap to = exchange.getResponseHeaders();
        response.headers.forEach(values -> to.addAll(values.getHeaderName(), values));
        if (length >= 0 && !dropBody && !to.contains(Headers.CONTENT_LENGTH) && !to.contains(Headers.TRANSFER_ENCODING)) {
            to.put(Headers.CONTENT_LENGTH, length);
        }
        listener.relaying(response.status);
        toClient = exchange.getResponseChannel();
        toClient.getWriteSetter().set(this);
    }

    /**
     * Writes the gathered body bytes to the client in one gathering write, the head first if it has not gone yet
     * (chunked then: the end is not known); false, with client writes resumed and server reads paused, when its
     * socket is full (what was written is consumed, the rest stays gathered). Done, it lets go of the buffers
     * the bytes were in, all but the one being read into.
     */
    private boolean writeSlices() {
        if (toClient == null) {
            respond(-1);
        }
        try {
            while (sliceCount > 0) {
                // Always from index 0: Undertow's chunked conduit, going on with a chunk that a write left unfinished,
                // puts the limit of srcs[offset + length - 1] on srcs[length - 1], which cuts or breaks a slice.
                if (toClient.write(slices, 0, sliceCount) == 0) {
                    UpstreamCodec.awaitClient(toClient, source, listener);
                    return false;
                }
                dropWrittenSlices();
            }
        } catch (IOException e) {
            clientWentAway(e);
            return false;
        }
        sliceBytes = 0;
        releaseParsed();
        return true;
    }

    /** Moves the slices not yet wholly written to the front of {@link #slices}. */
    private void dropWrittenSlices() {
        int written = 0;
        while (written < sliceCount && !slices[written].hasRemaining()) {
            written++;
        }
        System.arraycopy(slices, written, slices, 0, sliceCount - written);
        Arrays.fill(slices, sliceCount - written, sliceCount, null);
        sliceCount -= written;
    }

    /** Lets go of the buffers before the one being parsed: nothing gathered refers to them any more. */
    private void releaseParsed() {
        if (buffered > 1) {
            PooledByteBuffer last = buffers[buffered - 1];
            for (int i = 0; i < buffered - 1; i++) {
                buffers[i].close();
                buffers[i] = null;
            }
            buffers[buffered - 1] = null;
            buffers[0] = last;
            buffered = 1;
        }
    }

    /** FCGI_END_REQUEST: the response is whole. */
    private void ended(boolean complete) {
        if (receiving == Receiving.HEAD) {
            bad(headLength == 0 ? "invalid response: the script ended without a response"
                    : "invalid response: the script's head has no end");
            return;
        }
        completed = complete;
        receiving = Receiving.ENDING;
        finish();
    }

    /** Writes what is left of the ended response to the client, then hands the exchange its end. */
    private void finish() {
        if (toClient == null) {
            respond(sliceBytes);
        }
        if (!writeSlices()) {
            return;
        }
        endResponse();
        listener.responseRelayed(toClient);
    }

    /**
     * Writing to the client failed. Undertow may have ended the exchange inside the write, which stopped this codec
     * (and may have started the next request on a connection found reusable): nothing is left to do then. Otherwise
     * the exchange hears of it: after FCGI_END_REQUEST, as the client's event alone, the connection's reuse decided
     * as at a normal end; before, as a broken relay.
     */
    private void clientWentAway(IOException failure) {
        if (receiving == Receiving.ENDING) {
            endResponse();
            listener.clientWentAwayAfterTheBackend(failure);
        } else if (receiving == Receiving.BODY) {
            UpstreamCodec.clientWentAway(listener, failure);
        }
    }

    /** The whole response was read: the connection goes idle when {@link #reusable()}, else is left to be closed. */
    private void endResponse() {
        receiving = Receiving.ENDED;
        boolean reusable = reusable() && connection.isOpen();
        stopRelay(!reusable);
        if (reusable) {
            connection.idle();
        }
        flushStderr();
    }

    private void bad(String reason) {
        if (toClient == null) {
            listener.badResponse(reason);
        } else {
            listener.responseBroke(reason);
        }
    }

    private void flushStderr() {
        if (stderr.length() > 0) {
            if (exchange != null) {
                log.scriptError(exchange, backend, stderr.toString());
            }
            stderr.setLength(0);
        }
    }

    private void stopRelay(boolean stopReading) {
        if (toClient != null) {
            toClient.getWriteSetter().set(null);
            if (toClient.isWriteResumed()) {
                toClient.suspendWrites();
            }
        }
        if (stopReading && source.getReadListener() == this) {
            source.suspendReads();
        }
        releaseBuffers();
    }

    /**
     * Lets go of the buffers and of what was gathered. The slices themselves are dropped by the next
     * {@link #writeSlices} or {@link #start}: this may run inside a write of them to the client, whose failure ends
     * the exchange there.
     */
    private void releaseBuffers() {
        sliceCount = 0;
        sliceBytes = 0;
        for (int i = 0; i < buffered; i++) {
            buffers[i].close();
            buffers[i] = null;
        }
        buffered = 0;
        for (int i = 0; i < aheadCount; i++) {
            ahead[i].close();
            ahead[i] = null;
        }
        aheadCount = 0;
    }
}
