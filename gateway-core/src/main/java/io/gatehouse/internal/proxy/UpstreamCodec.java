package io.gatehouse.internal.proxy;

import io.undertow.server.HttpServerExchange;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;

/**
 * The wire protocol spoken on one {@link BackendConnection}: it writes a request's head, relays its body, reads the
 * response head, relays the response body, and says whether the connection can carry another request. It is what
 * OkHttp calls an {@code ExchangeCodec} and Jetty a transport; {@link Http1Codec} speaks HTTP/1.1. Choosing the
 * backend, retries, health, the pool and the response deadline stay in {@link ProxiedExchange}, which drives a
 * codec through its {@link Listener}, so a second protocol is a second codec and nothing else changes.
 *
 * <p>Contract: one codec per connection, made when the connection opens ({@link Factory}) and kept for its life;
 * it carries one request at a time, from {@link #start} to {@link #stop}. Every method is called, and every
 * {@link Listener} method calls back, on the connection's IO thread. A codec never answers the client itself and
 * never decides a status or a retry: it reports what happened ({@link Listener}) and the exchange decides, by its
 * phase, what that means. Between {@code start} and {@code stop} the codec calls, in this order,
 * {@link Listener#requestSent} once the whole request is on the wire (the response may come before: a backend may
 * answer early), then {@link Listener#answered} once a whole response head arrived, then exactly one of
 * {@link Listener#badResponse}, {@link Listener#relaying} or {@link Listener#switching}, then, after
 * {@code relaying}, {@link Listener#awaitingBody} or {@link Listener#awaitingClient} at each pause of the body's
 * relay, then {@link Listener#responseRelayed} (or {@link Listener#clientWentAwayAfterTheBackend}, the client gone
 * once the whole response was read); any of these may instead be cut short by a failure report. After
 * {@code stop} it calls nothing more, except the request-body reports ({@link Listener#requestBodyFailed},
 * {@link Listener#requestBodyNotTaken}), which the exchange ignores or answers by its phase.
 *
 * <p>How a second codec plugs in: a {@link Factory} given to the {@link BackendPool} of the backends that speak it
 * (made in {@link ReverseProxy}). Nothing in this interface assumes HTTP/1.1 framing: the request head and body
 * are written however the protocol frames them, and reuse is the codec's own answer. A FastCGI codec would write
 * {@code FCGI_BEGIN_REQUEST} with {@code FCGI_KEEP_CONN} and the {@code FCGI_PARAMS} records where this one writes
 * a request line and header fields, wrap the body in {@code FCGI_STDIN} records ending with an empty one where
 * this one chunks it, read {@code FCGI_STDOUT} records and parse the CGI header block in them (its {@code Status}
 * and {@code Location}) as the response head, unwrap the rest as the body (logging {@code FCGI_STDERR}), and
 * count a connection reusable after {@code FCGI_END_REQUEST} when it asked for {@code FCGI_KEEP_CONN}; it would
 * never call {@link Listener#switching}. TLS to a backend is no codec: the pool opens an encrypted connection
 * (XNIO's SSL conduits under the same {@link BackendConnection}), and the same HTTP/1.1 codec speaks on it.
 */
interface UpstreamCodec {

    /** Makes the codec of each connection a {@link BackendPool} opens; called on that connection's IO thread. */
    interface Factory {
        /**
         * The codec that will speak on {@code connection} for as long as it is open.
         *
         * @param connection a connection just opened, idle, with no codec yet
         * @return a codec for it; never null
         */
        UpstreamCodec open(BackendConnection connection);
    }

    /**
     * Reports that writing the response body to the client failed before the whole response was read, when anyone is
     * left to tell: Undertow may end the exchange inside the failing write, and the exchange's end stops the codec
     * (its listener then null, the departure learnt from {@link #stop}'s answer) and releases the connection, so
     * nothing more is to be done. An expected event: it never throws.
     *
     * @param listener the codec's listener, null once the codec was stopped
     * @param failure  what the client's response channel threw
     */
    static void clientWentAway(Listener listener, IOException failure) {
        if (listener != null) {
            listener.clientWentAwayBeforeTheBackend(failure);
        }
    }

    /**
     * The relay of a response body pauses for the backend, everything read so far written to the client: it is
     * flushed there now (an HTTP/2 stream keeps what is written until its buffer fills, so the part of a body sent
     * before a pause, an event of a server-sent stream say, would wait for the next), reads from the backend resume,
     * and the listener hears {@link Listener#awaitingBody}. A client that cannot take all of it, its socket full or
     * its HTTP/2 flow-control window spent, is waited for instead, reads paused, as when a write takes nothing
     * ({@link Listener#awaitingClient}); a client gone during the flush is reported.
     *
     * @param toClient    the exchange's response channel, relaying the body
     * @param fromBackend the connection's source channel, whose read listener is the codec
     * @param listener    the codec's listener
     */
    static void awaitBackend(StreamSinkChannel toClient, ConduitStreamSourceChannel fromBackend, Listener listener) {
        if (toClient.isWriteResumed()) {
            toClient.suspendWrites();
        }
        try {
            if (!flushedWhole(toClient)) {
                // What the client has not taken waits for it, as when a write takes nothing, else a stream paused
                // for long (a server-sent event) would sit here until the backend's next bytes.
                awaitClient(toClient, fromBackend, listener);
                return;
            }
        } catch (IOException e) {
            clientWentAway(listener, e);
            return;
        }
        if (!fromBackend.isReadResumed()) {
            fromBackend.resumeReads();
        }
        listener.awaitingBody();
    }

    /**
     * Flushes {@code toClient} and says whether all of it has gone. An HTTP/2 stream whose flow-control window takes
     * only part of what it holds sends that part and reports the flush done, the rest back in its buffer (Undertow
     * 2.4), where the client's WINDOW_UPDATE wakes nobody: the stream resumes only a writer that waits on it. A
     * second flush queues the rest, which the stream, its window now spent, holds for the update and reports (false):
     * the gateway's buffers are no larger than the smallest frame a client may allow, so only a window cuts a flush
     * short. On a stream that sent everything, and on any other channel, the second flush finds nothing to do.
     */
    private static boolean flushedWhole(StreamSinkChannel toClient) throws IOException {
        return toClient.flush() && toClient.flush();
    }

    /**
     * The client's socket is full: reads from the backend pause, the codec (the client channel's write listener)
     * goes on once the client has taken some, and the listener hears {@link Listener#awaitingClient}.
     *
     * @param toClient    the exchange's response channel, relaying the body
     * @param fromBackend the connection's source channel
     * @param listener    the codec's listener
     */
    static void awaitClient(StreamSinkChannel toClient, StreamSourceChannel fromBackend, Listener listener) {
        fromBackend.suspendReads();
        toClient.resumeWrites();
        listener.awaitingClient();
    }

    /**
     * What a codec reports to the exchange it serves (implemented by {@link ProxiedExchange}, which maps each
     * report to a retry, a status or a closed connection by its phase). Every call comes on the connection's IO
     * thread; a call may end the exchange's use of the codec (it calls {@link #stop}), so a codec does nothing more
     * after a report but return.
     */
    interface Listener {
        /** The whole request, framing included, is on the wire and flushed: the response deadline may start. */
        void requestSent();

        /**
         * Writing the request or reading the response failed, or the backend closed the connection, before a whole
         * response head arrived: nothing was relayed to the client, and a replayable request may be sent again.
         *
         * @param reason for the log, from the codec or the JDK, never from the client
         */
        void brokeBeforeResponse(String reason);

        /** A whole response head arrived: the backend is alive and the response deadline is over. */
        void answered();

        /**
         * The backend's response cannot be relayed (malformed, too large, framed two ways, or a protocol switch
         * nobody asked for): nothing of it reached the client, and it is not sent again.
         *
         * @param reason for the log
         */
        void badResponse(String reason);

        /**
         * The response's status, reason phrase and end-to-end headers are on the exchange; its body follows into
         * the client's response channel. The exchange may add the client-side framing now.
         *
         * @param status the backend's final status
         */
        void relaying(int status);

        /**
         * The codec has relayed all it read of the response body and waits for the backend to send more: the read
         * deadline starts again from now. Called at every such pause, so it allocates nothing.
         */
        void awaitingBody();

        /**
         * The client's socket is full: the codec waits for it to take what was read, and reads nothing from the
         * backend meanwhile. The read deadline does not run then: a slow client is no stalled backend.
         */
        void awaitingClient();

        /**
         * The backend switched protocols (a WebSocket upgrade answered 101): the 101 and its headers are on the
         * exchange, and from now on the connection belongs to the returned tunnel, which the codec starts once
         * Undertow switched the client's connection, ends when the client's connection closes, and which closes the
         * backend connection; the exchange must not return it to its pool.
         *
         * @return the byte relay of the switched connection, with the exchange's silence deadline
         */
        Tunnel switching();

        /**
         * The whole response is in {@code toClient}; the exchange ends and flushes it. The codec has already
         * decided whether the connection is reusable.
         *
         * @param toClient the exchange's response channel, which only its first getter receives
         */
        void responseRelayed(StreamSinkChannel toClient);

        /**
         * Relaying the response failed after its head went to the client (the backend broke off the body, or sent
         * something the relay cannot pass on): only closing both connections is left.
         *
         * @param reason for the log
         */
        void responseBroke(String reason);

        /**
         * Writing the response body to the client failed while more of it was still to come from the backend (the
         * client went away, or the gateway closed the client connection at a drain deadline): as
         * {@link #responseBroke}, only closing both connections is left.
         *
         * @param failure what the client's response channel threw
         */
        void clientWentAwayBeforeTheBackend(IOException failure);

        /**
         * Writing the response to the client failed once the backend's whole response was read (framing complete,
         * nothing more to read for it), instead of {@link #responseRelayed}: the codec has already decided whether
         * the connection is reusable, as at a normal end. Also the exchange's own report when its last flush fails.
         *
         * @param failure what the client's response channel threw
         */
        void clientWentAwayAfterTheBackend(IOException failure);

        /**
         * Reading the request body from the client failed: it broke off, or the guard refused it part-way (a
         * {@link io.gatehouse.internal.guard.RequestRejectedException} carrying the status to answer).
         *
         * @param failure what the client's request channel threw
         */
        void requestBodyFailed(IOException failure);

        /**
         * The backend stopped reading the request body (it closed or reset the connection).
         *
         * @param fromClient the request channel being relayed, for the exchange to close when a response is
         *                   already on its way and the rest of the body is not wanted
         * @param failure    what the backend connection threw
         */
        void requestBodyNotTaken(StreamSourceChannel fromClient, IOException failure);
    }

    /**
     * Sends {@code exchange}'s request (as the handlers before left it) on this connection and reads the answer,
     * reporting to {@code listener} until {@link #stop}. Reading starts at once, so an early response is seen
     * while the body is still being sent.
     *
     * @param exchange the request to send, and where the response goes
     * @param withBody the request has a body still to read from the client (not yet, or not wholly, received)
     * @param listener the exchange, told of every step and failure
     */
    void start(HttpServerExchange exchange, boolean withBody, Listener listener);

    /**
     * The exchange is done with this codec: it reports nothing more (request-body reports aside, see the class
     * comment), stops relaying, and gives back its buffers. Idempotent; leaves the connection open: the exchange
     * either returns it to the pool or closes it. Leaves the answer of {@link #reusable()} as it was, but for a
     * response whose whole body was read and not yet all relayed (the client went away): reusable then as at a
     * normal end. A connection found reusable may carry the next request before a write that failed inside this
     * call returns, so the codec checks it is still relaying before reporting that failure.
     *
     * @return where the relay of the response body stood; at the exchange's end, anything but {@link Relay#NONE}
     *         means the client went away (Undertow ended the exchange inside the write that found it gone, before
     *         the codec could report it)
     */
    Relay stop();

    /** Where the relay of a response body stood when the exchange let go of the codec ({@link #stop}). */
    enum Relay {
        /** No body was being relayed: all of it was handed to the client's channel, or none had started. */
        NONE,
        /** The body was being relayed and the backend had sent all of it: what is left was the client's to take. */
        READ_WHOLE,
        /** The body was being relayed, more of it still to come from the backend. */
        CUT_SHORT
    }

    /**
     * Whether the connection can carry another request: the whole request was sent, the whole response read (and
     * relayed, unless the client went away or its exchange ended once all of it was read), the backend did not end
     * the connection, and nothing arrived past the response's end.
     *
     * @return false while a request is on the connection, after a failure, or after a protocol switch
     */
    boolean reusable();
}
