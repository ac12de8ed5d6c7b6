package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.config.Timeouts;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.internal.xnio.PerIoThread;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The parts that put request validation under Undertow's HTTP/1.1 parser. Undertow's builder offers no hook between
 * accepting a connection and its HTTP parser, so a listener is assembled from the same parts the builder uses, plus
 * these: a {@link FramingConduit} under Undertow's parser on each accepted connection's read side
 * ({@link #installFramingCheck}), before the connection is handed to Undertow's {@link HttpOpenListener}, whose
 * root handler is wrapped in a {@link GuardHandler} ({@link #guard}). Both log refused requests in the listener
 * owner's {@link #refusalLog refusal log}.
 *
 * <p>Undertow options ({@link #undertowOptions}), so that Undertow's own limits never fire before Gatehouse's
 * clearer ones: {@code MAX_HEADER_SIZE} above what the conduit lets through, {@code MAX_ENTITY_SIZE} at
 * {@code limits.maxBody} (the conduit refuses the first byte beyond it), {@code NO_REQUEST_TIMEOUT} at
 * {@code timeouts.idle}, {@code ALLOW_ENCODED_SLASH} when {@code limits.encodedSlashes} is {@code decode} (the
 * decoded path routes match; the proxy still sends the target as received). Undertow's {@code IDLE_TIMEOUT} and the
 * socket's {@code READ_TIMEOUT} are left unset: they would wrap the conduit, and a read timeout would also cut long
 * downloads.
 *
 * <p>Only Gatehouse's own listeners have a front door: a handler tree mounted in an application's server runs
 * without these checks, behind whatever that server's parser accepts. Public for {@code io.gatehouse}, which builds
 * the listeners; stateless, so callable from the accept thread of every listener.
 */
public final class FrontDoor {

    private FrontDoor() {
    }

    /**
     * Puts the framing checks under {@code connection}'s read side; call before Undertow sees the connection. What it
     * refuses is logged in {@code refusals}; socket reads land in {@code reads}, made by {@link #readBuffers} for the
     * connection's worker.
     *
     * @param connection a freshly accepted connection, not yet handed to Undertow
     * @param limits     the listener's size limits
     * @param timeouts   its request-header and idle timeouts
     * @param refusals   the listener owner's {@link #refusalLog refusal log}
     * @param reads      the owner's read buffers ({@link #readBuffers})
     */
    public static void installFramingCheck(StreamConnection connection, Limits limits, Timeouts timeouts,
                                          RepeatedEvents refusals, PerIoThread<ByteBuffer> reads) {
        installFramingCheck(connection, limits, timeouts, refusals, reads, null);
    }

    /**
     * Like {@link #installFramingCheck(StreamConnection, Limits, Timeouts, RepeatedEvents, PerIoThread)}, for a
     * connection whose {@code firstBytes} were already read off it ({@link PriorKnowledge}): they are judged first.
     *
     * @param connection a freshly accepted connection, not yet handed to Undertow
     * @param limits     the listener's size limits
     * @param timeouts   its request-header and idle timeouts
     * @param refusals   the listener owner's {@link #refusalLog refusal log}
     * @param reads      the owner's read buffers ({@link #readBuffers})
     * @param firstBytes the bytes read, from position to limit; null when none were
     */
    public static void installFramingCheck(StreamConnection connection, Limits limits, Timeouts timeouts,
                                          RepeatedEvents refusals, PerIoThread<ByteBuffer> reads, ByteBuffer firstBytes) {
        connection.getSourceChannel().setConduit(new FramingConduit(connection, limits, timeouts.requestHeader(),
                timeouts.idle(), refusals, reads, firstBytes));
    }

    /**
     * The buffers the framing checks read the socket into: one direct buffer of 8 KiB per IO thread of {@code worker},
     * lent to one read at a time, shared by every connection of the owner's listeners on that thread. The owner
     * {@linkplain PerIoThread#release() releases} them once its listeners are closed; nothing stays on the threads,
     * which may be the application's.
     *
     * @param worker the worker whose IO threads run the owner's listeners
     * @return the buffers, none allocated yet: each IO thread makes its own on its first read
     */
    public static PerIoThread<ByteBuffer> readBuffers(XnioWorker worker) {
        return new PerIoThread<>(worker, () -> ByteBuffer.allocateDirect(FramingConduit.READ_BUFFER));
    }

    /**
     * The root handler to give Undertow's open listener: answers the requests the conduit refused, logging them in
     * {@code refusals}. An exchange whose connection has no framing conduit under it (a wiring mistake) is answered
     * 500 and closed, never served unchecked.
     *
     * @param root     the listener's handler tree, which must contain a {@link RefusedRequests} to answer refusals
     * @param refusals the same log as the connections' {@link #installFramingCheck}
     * @return the handler to set as the open listener's root
     */
    public static HttpHandler guard(HttpHandler root, RepeatedEvents refusals) {
        return new GuardHandler(root, refusals);
    }

    /**
     * A log for the refused requests of a listener's {@link #installFramingCheck} and {@link #guard} (on the
     * {@code io.gatehouse.internal.guard} logger, at INFO), summarising once per {@code interval}. Its owner closes it after
     * the listeners that use it.
     *
     * @param interval how often repeats are summarised
     * @return a new log, open until closed; safe to share across IO threads
     */
    public static RepeatedEvents refusalLog(Duration interval) {
        return GuardHandler.refusalLog(interval);
    }

    /**
     * Undertow's listener options for these limits and timeouts. Undertow's connector statistics stay off: they
     * would stack a byte-counting conduit on top of the {@link FramingConduit} before Undertow records the
     * connection's original conduit, where the guard looks for the framing conduit.
     *
     * @param limits   the listener's size limits
     * @param timeouts the listener's timeouts
     * @return the options to give Undertow's open listener
     */
    public static OptionMap undertowOptions(Limits limits, Timeouts timeouts) {
        return OptionMap.builder()
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .set(UndertowOptions.MAX_HEADER_SIZE, (int) Math.min(Integer.MAX_VALUE,
                        (long) limits.maxHeaderBytes() + limits.maxUriBytes() + 2048))
                .set(UndertowOptions.MAX_ENTITY_SIZE, limits.maxBody())
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, timeouts.idle().toMillis()))
                .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .set(UndertowOptions.ALLOW_ENCODED_SLASH, limits.encodedSlashes() == Limits.EncodedSlashes.DECODE)
                .getMap();
    }
}
