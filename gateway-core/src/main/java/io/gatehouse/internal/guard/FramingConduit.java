package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.internal.xnio.PerIoThread;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.StreamSourceConduit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The first HTTP layer of a client connection's read side, under Undertow's HTTP/1.1 parser: every byte the client
 * sends passes here first, and only bytes that belong to a well-formed request go up.
 *
 * <ul>
 *   <li>A request head is held back until its blank line, then judged whole by {@link HeadCheck}. Accepted, it goes
 *       up unchanged, alone in that read. Refused, Undertow gets a stand-in request ({@link #STAND_IN}) and then
 *       the end of the stream; the {@link GuardHandler} asks this conduit for its {@link #verdict verdict} on it,
 *       so the client is answered in order, through Undertow's normal response path, and the connection closes;
 *       no byte after the refused head is ever parsed.</li>
 *   <li>A body goes up as it arrives, after its framing is checked ({@link ChunkedCheck}, which also holds chunk
 *       sizes to {@code limits.maxBody}). A refusal mid-body stops delivery at the last good byte, and the exchange's
 *       {@link BodyGate} tells the handler, which answers 400, 413 or 431 when its response has not started.</li>
 *   <li>After a {@code 101 Switching Protocols} the bytes are no longer HTTP and pass through unread; while an
 *       upgrade request waits for its answer nothing after it goes up.</li>
 *   <li>Timeouts: a head not complete {@code timeouts.requestHeader} after its first byte, or a body whose reader has
 *       been waiting {@code timeouts.idle} for the next byte, closes the connection (which ends the exchange, and
 *       with it the backend connection).</li>
 * </ul>
 *
 * Used by one reader at a time, as every XNIO conduit; the timer runs on the connection's IO thread.
 */
final class FramingConduit extends ReadThroughConduit implements ConnectionGuard {

    private static final Logger LOG = System.getLogger(FramingConduit.class.getPackageName());
    /** The size of a read buffer ({@link FrontDoor#readBuffers}). */
    static final int READ_BUFFER = 8 * 1024;
    /**
     * What Undertow parses in place of a refused head: a well-formed request without a body, {@code Connection:
     * close}. Nothing in it says why: the handler asks the conduit ({@link #verdict}).
     */
    private static final byte[] STAND_IN = "GET / HTTP/1.1\r\nHost: rejected.invalid\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    /** Room for a method and a version around a target of {@code maxUriBytes}. */
    private static final int REQUEST_LINE_SLACK = 1024;

    private enum State { HEAD, LENGTH, CHUNKED, UPGRADE_PENDING, PASSTHROUGH, REJECTED, FAILED }

    private enum Step { MORE, COMPLETE, REFUSED }

    private final StreamConnection connection;
    private final Limits limits;
    private final HeadCheck check;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final RepeatedEvents refusals;
    /**
     * Where socket reads land, one per IO thread and lent for the length of one {@link #read} call: an idle keep-alive
     * connection then holds no read buffer (8 KiB each, 40 MiB for 5,000 of them), and a direct buffer spares the
     * copy the JDK makes through one of its own for a heap buffer. Held by the listener's owner, not by the threads,
     * which may be the application's and outlive it.
     */
    private final PerIoThread<ByteBuffer> reads;

    private State state = State.HEAD;
    /**
     * Bytes read from the socket and not yet judged: during a read, the thread's buffer from {@link #reads}
     * ({@code borrowed}); between reads, null or a buffer of this connection's own holding what was left over.
     */
    private ByteBuffer in;
    private boolean borrowed;
    /** Judged bytes (an accepted head, or a stand-in request) not yet taken by the reader. */
    private ByteBuffer out;

    private byte[] head = new byte[512];
    /**
     * What {@link #out} holds for an accepted head: a view of {@link #head} itself, not a copy. Safe because no byte
     * of the next head is read while {@code out} has bytes left.
     */
    private ByteBuffer headView;
    private int headLength;
    private int requestLineEnd = -1;
    private int lineStart;
    private boolean afterCR;
    /** Why the head was refused: set while it is being read, then the verdict on the stand-in. */
    private Rejection refusal;

    private long bodyRemaining;
    private ChunkedCheck chunks;
    private boolean upgradeAfterBody;
    private BodyGate gate;
    private RequestRejectedException failure;

    private volatile long headStarted;
    private volatile long waitingSince;
    private XnioExecutor.Key timer;
    private long timerDeadline;

    /**
     * {@code refusals}: the listener's log of refusals ({@link GuardHandler#refusalLog}); {@code reads}: the
     * listener's read buffers ({@link FrontDoor#readBuffers}).
     */
    FramingConduit(StreamConnection connection, Limits limits, Duration requestHeaderTimeout, Duration idleTimeout,
                   RepeatedEvents refusals, PerIoThread<ByteBuffer> reads) {
        this(connection, limits, requestHeaderTimeout, idleTimeout, refusals, reads, null);
    }

    /** Like the other, with the connection's {@code firstBytes} already read off the socket (null: none). */
    FramingConduit(StreamConnection connection, Limits limits, Duration requestHeaderTimeout, Duration idleTimeout,
                   RepeatedEvents refusals, PerIoThread<ByteBuffer> reads, ByteBuffer firstBytes) {
        super(connection.getSourceChannel().getConduit());
        this.in = firstBytes;
        this.connection = connection;
        this.limits = limits;
        this.check = new HeadCheck(limits);
        this.headerTimeoutNanos = requestHeaderTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.refusals = refusals;
        this.reads = reads;
    }

    /** The conduit under {@code exchange}'s connection, or null when the connection was not accepted by Gatehouse. */
    static FramingConduit of(HttpServerExchange exchange) {
        ServerConnection connection = exchange.getConnection();
        if (connection instanceof AbstractServerConnection server
                && server.getOriginalSourceConduit() instanceof FramingConduit framing) {
            return framing;
        }
        return null;
    }

    /**
     * The verdict on the head just parsed: once a head is refused, the only request Undertow still gets is the
     * stand-in, and each exchange is asked about before Undertow reads the next head.
     */
    @Override
    public Rejection verdict(HttpServerExchange exchange) {
        return state == State.REJECTED ? refusal : null;
    }

    /**
     * The exchange gets a {@link BodyGate}, through which a refusal of its body is reported; its end tells the
     * conduit whether the connection switched protocols.
     */
    @Override
    public void admit(HttpServerExchange exchange) {
        BodyGate bodyGate = new BodyGate();
        exchange.addRequestWrapper((factory, ignored) -> bodyGate.wrap(factory.create()));
        gate = bodyGate;
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            exchangeEnded(done.getStatusCode() == StatusCodes.SWITCHING_PROTOCOLS);
            nextListener.proceed();
        });
    }

    /** The exchange ended; {@code switched}: it answered 101, so the rest of the connection is not HTTP. */
    private void exchangeEnded(boolean switched) {
        gate = null;
        upgradeAfterBody = false;
        if (switched) {
            state = State.PASSTHROUGH;
        } else if (state == State.UPGRADE_PENDING) {
            state = State.HEAD;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return deliver(dst);
        } finally {
            giveBackReads();
        }
    }

    /** Ends the loan of the read buffer: bytes still unjudged in it move into a buffer of the connection's own. */
    private void giveBackReads() {
        if (!borrowed) {
            return;
        }
        borrowed = false;
        if (in != null && in.hasRemaining()) {
            ByteBuffer own = ByteBuffer.allocate(in.remaining());
            own.put(in).flip();
            in = own;
        } else {
            in = null;
        }
    }

    private int deliver(ByteBuffer dst) throws IOException {
        int total = drainOut(dst);
        while (out == null && dst.hasRemaining()) {
            switch (state) {
                case REJECTED -> {
                    return total > 0 ? total : -1;
                }
                case FAILED -> {
                    return discard(total);
                }
                case UPGRADE_PENDING -> {
                    return total;
                }
                case PASSTHROUGH -> {
                    if (in == null || !in.hasRemaining()) {
                        int read = next.read(dst);
                        return read > 0 ? total + read : total > 0 ? total : read;
                    }
                    total += copy(in, dst, in.remaining());
                    continue;
                }
                case LENGTH -> {
                    if (in == null || !in.hasRemaining()) {
                        // Nothing to judge in a counted body: socket straight to the reader, never past its end.
                        int read = readLength(dst);
                        if (read <= 0) {
                            return total > 0 ? total : read;
                        }
                        total += read;
                        continue;
                    }
                }
                default -> {
                }
            }
            // A chunked body goes up byte for byte: reading no more than the reader takes leaves nothing over.
            int read = fill(state == State.CHUNKED ? dst.remaining() : READ_BUFFER);
            if (read <= 0) {
                if (read == 0) {
                    waiting();
                }
                return total > 0 ? total : read;
            }
            waitingSince = 0;
            switch (state) {
                case HEAD -> {
                    readHead(dst);
                    // A head goes up alone: the handler must be in place before any of its body is judged.
                    return total + drainOut(dst);
                }
                case LENGTH -> {
                    long n = Math.min(bodyRemaining, Math.min(in.remaining(), dst.remaining()));
                    total += copy(in, dst, (int) n);
                    bodyRemaining -= n;
                    if (bodyRemaining == 0) {
                        bodyFinished();
                    }
                }
                case CHUNKED -> total += readChunked(dst);
                default -> throw new IllegalStateException(state.name());
            }
        }
        return total;
    }

    private int readLength(ByteBuffer dst) throws IOException {
        int limit = dst.limit();
        if (dst.remaining() > bodyRemaining) {
            dst.limit(dst.position() + (int) bodyRemaining);
        }
        int read;
        try {
            read = next.read(dst);
        } finally {
            dst.limit(limit);
        }
        if (read == 0) {
            waiting();
        } else if (read > 0) {
            waitingSince = 0;
            bodyRemaining -= read;
            if (bodyRemaining == 0) {
                bodyFinished();
            }
        }
        return read;
    }

    /** Makes bytes available in {@code in}: those left over, or at most {@code max} new ones from the socket. */
    private int fill(int max) throws IOException {
        if (in != null && in.hasRemaining()) {
            return in.remaining();
        }
        ByteBuffer buffer = reads.get();
        if (buffer == null) {
            // Not on one of the listener's IO threads (a blocking read on a task thread, rare), or the listener's
            // owner has stopped and a closing connection reads its end: a buffer for this read alone. Direct, as a
            // heap buffer would make the JDK cache a direct one of its own on the thread, which may be the
            // application's.
            buffer = ByteBuffer.allocateDirect(READ_BUFFER);
        }
        buffer.clear();
        if (max < buffer.capacity()) {
            buffer.limit(Math.max(1, max));
        }
        int read;
        try {
            read = next.read(buffer);
        } finally {
            // Flipped even when the read fails: nothing another connection left in the buffer is ever taken.
            buffer.flip();
        }
        in = buffer;
        borrowed = true;
        return read;
    }

    private void readHead(ByteBuffer dst) {
        while (in.hasRemaining()) {
            Step step = headByte(in.get());
            if (step == Step.REFUSED) {
                refuse(refusal);
                return;
            }
            if (step == Step.COMPLETE) {
                HeadCheck.Verdict verdict = check.check(head, headLength, requestLineEnd);
                if (verdict.rejection() != null) {
                    refuse(verdict.rejection());
                } else {
                    accept(verdict.head());
                }
                return;
            }
        }
    }

    /** Appends one byte of a head, checking line endings and sizes as they come. */
    private Step headByte(byte b) {
        if (headLength == 0 && !afterCR && (b == '\r' || b == '\n')) {
            // Empty lines before a request line are ignored (RFC 9112 section 2.2); only as CRLF.
            if (b == '\n') {
                return refused(400, "bare LF before the request line");
            }
            afterCR = true;
            return Step.MORE;
        }
        if (afterCR && b != '\n') {
            return refused(400, "bare CR in request head");
        }
        if (b == '\n' && !afterCR) {
            return refused(400, "bare LF in request head");
        }
        if (b == 0) {
            return refused(400, "NUL in request head");
        }
        afterCR = b == '\r';
        if (headLength == 0 && b == '\n') {
            return Step.MORE;
        }
        if (headLength == 0) {
            headStarted = Math.max(1, System.nanoTime());
            arm(headerTimeoutNanos);
        }
        if (headLength == head.length) {
            head = Arrays.copyOf(head, head.length * 2);
        }
        head[headLength++] = b;
        if (b == '\n') {
            if (requestLineEnd < 0) {
                requestLineEnd = headLength - 2;
            } else if (headLength - lineStart == 2) {
                return Step.COMPLETE;
            }
            lineStart = headLength;
        }
        if (requestLineEnd < 0 && headLength > limits.maxUriBytes() + REQUEST_LINE_SLACK) {
            return refused(414, "request line longer than limits.maxUriBytes " + limits.maxUriBytes());
        }
        if (requestLineEnd >= 0 && headLength - requestLineEnd - 2 > limits.maxHeaderBytes()) {
            return refused(431, "header section larger than limits.maxHeaderBytes " + limits.maxHeaderBytes());
        }
        return Step.MORE;
    }

    private Step refused(int status, String reason) {
        refusal = Rejection.of(status, reason);
        return Step.REFUSED;
    }

    private void accept(HeadCheck.Head accepted) {
        if (headView == null || headView.array() != head) {
            headView = ByteBuffer.wrap(head);
        }
        out = headView.clear().limit(headLength);
        resetHead();
        upgradeAfterBody = accepted.upgrade();
        switch (accepted.framing()) {
            case LENGTH -> {
                state = State.LENGTH;
                bodyRemaining = accepted.contentLength();
            }
            case CHUNKED -> {
                state = State.CHUNKED;
                chunks = new ChunkedCheck(limits.maxBody(), limits.maxHeaderBytes());
            }
            default -> bodyFinished();
        }
    }

    /** Undertow gets the stand-in request, then the end of the stream; nothing the client sent after is read. */
    private void refuse(Rejection rejection) {
        refusal = rejection;
        out = ByteBuffer.wrap(STAND_IN);
        state = State.REJECTED;
        in = null;
        resetHead();
    }

    private void resetHead() {
        if (head.length > 4096) {
            head = new byte[512];
        }
        headLength = 0;
        requestLineEnd = -1;
        lineStart = 0;
        afterCR = false;
        headStarted = 0;
    }

    private void bodyFinished() {
        chunks = null;
        state = upgradeAfterBody ? State.UPGRADE_PENDING : State.HEAD;
    }

    private int readChunked(ByteBuffer dst) throws IOException {
        int total = 0;
        while (in.hasRemaining() && dst.hasRemaining()) {
            long data = chunks.dataRemaining();
            if (data > 0) {
                int n = (int) Math.min(data, Math.min(in.remaining(), dst.remaining()));
                total += copy(in, dst, n);
                chunks.skipData(n);
                continue;
            }
            byte b = in.get();
            Rejection refused = chunks.accept(b);
            if (refused != null) {
                failBody(refused);
                return total;
            }
            dst.put(b);
            total++;
            if (chunks.done()) {
                bodyFinished();
                return total;
            }
        }
        return total;
    }

    /** Stops the body at the last good byte and tells the exchange's handler, or fails the read if there is none. */
    private void failBody(Rejection rejection) throws IOException {
        failure = new RequestRejectedException(rejection);
        state = State.FAILED;
        in = null;
        if (LOG.isLoggable(Level.INFO)) {
            refusals.event("request body refused with " + rejection.status() + ": " + rejection.reason(), peer() + ":");
        }
        if (gate == null) {
            throw failure;
        }
        gate.refuse(failure);
    }

    /** After a refused body: read and drop what still arrives until the handler's answer closes the connection. */
    private int discard(int total) throws IOException {
        if (gate == null) {
            throw failure;
        }
        ByteBuffer sink = ByteBuffer.allocate(READ_BUFFER);
        while (next.read(sink) > 0) {
            sink.clear();
        }
        // Never -1: Undertow's decoder would close the connection before the handler answers.
        return total;
    }

    private int drainOut(ByteBuffer dst) {
        if (out == null) {
            return 0;
        }
        int n = copy(out, dst, out.remaining());
        if (!out.hasRemaining()) {
            out = null;
        }
        return n;
    }

    private static int copy(ByteBuffer from, ByteBuffer to, int max) {
        int n = Math.min(max, Math.min(from.remaining(), to.remaining()));
        int limit = from.limit();
        from.limit(from.position() + n);
        to.put(from);
        from.limit(limit);
        return n;
    }

    /** The reader wants body bytes and the client has none: start the stall clock. */
    private void waiting() {
        if ((state == State.LENGTH || state == State.CHUNKED) && waitingSince == 0) {
            waitingSince = Math.max(1, System.nanoTime());
            arm(idleTimeoutNanos);
        }
    }

    private synchronized void arm(long delayNanos) {
        long deadline = System.nanoTime() + delayNanos;
        if (timer != null && deadline - timerDeadline >= 0) {
            return;
        }
        if (timer != null) {
            timer.remove();
        }
        timerDeadline = deadline;
        timer = connection.getIoThread().executeAfter(new Tick(new WeakReference<>(this)),
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)), TimeUnit.MILLISECONDS);
    }

    /**
     * The timer task. It holds the conduit weakly: a timer is not cancelled when the connection closes (XNIO tells
     * conduits nothing then), and a strong reference would keep every closed connection, its buffers and its
     * Undertow state alive until the deadline ({@code timeouts.idle} or {@code requestHeader}, a minute or more),
     * which a flood of aborted requests turns into unbounded heap. While the connection is open its conduit is
     * strongly reachable from the connection's selector registration, so a live connection's timer always fires.
     */
    private record Tick(WeakReference<FramingConduit> conduit) implements Runnable {
        @Override
        public void run() {
            FramingConduit live = conduit.get();
            if (live != null) {
                live.tick();
            }
        }
    }

    private void tick() {
        synchronized (this) {
            timer = null;
        }
        if (!connection.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        long started = headStarted;
        if (started != 0 && now - started >= headerTimeoutNanos) {
            timeOut("request head not complete within timeouts.requestHeader");
            return;
        }
        long since = waitingSince;
        if (since != 0 && now - since >= idleTimeoutNanos) {
            timeOut("request body stalled for timeouts.idle");
            return;
        }
        if (started != 0) {
            arm(started + headerTimeoutNanos - now);
        }
        if (since != 0) {
            arm(since + idleTimeoutNanos - now);
        }
    }

    private void timeOut(String reason) {
        if (LOG.isLoggable(Level.INFO)) {
            refusals.event(reason + ", connection closed", peer() + ":");
        }
        IoUtils.safeClose(connection);
    }

    private String peer() {
        return String.valueOf(connection.getPeerAddress());
    }

    private boolean hasPending() {
        if (out != null || state == State.REJECTED) {
            return true;
        }
        return in != null && in.hasRemaining() && state != State.UPGRADE_PENDING && state != State.FAILED;
    }

    @Override
    public void resumeReads() {
        if (hasPending()) {
            next.wakeupReads();
        } else {
            next.resumeReads();
        }
    }

    @Override
    public void suspendReads() {
        // A reader that stops asking (back-pressure) is not a stalled client.
        waitingSince = 0;
        next.suspendReads();
    }

    @Override
    public void awaitReadable() throws IOException {
        if (!hasPending()) {
            next.awaitReadable();
        }
    }

    @Override
    public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
        if (!hasPending()) {
            next.awaitReadable(time, timeUnit);
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        long total = 0;
        for (int i = offs; i < offs + len; i++) {
            if (!dsts[i].hasRemaining()) {
                continue;
            }
            int read = read(dsts[i]);
            if (read <= 0) {
                return total > 0 ? total : read;
            }
            total += read;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }
}
