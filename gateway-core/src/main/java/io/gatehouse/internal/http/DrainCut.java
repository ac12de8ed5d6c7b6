package io.gatehouse.internal.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * Whether the gateway itself closed a listener's client connections at a drain deadline (a stop's, or that of a
 * reload that removed the listener), so that a request cut there is not taken for one whose client went away: the
 * two look the same to whoever writes to the connection. One per listener, never shared between gateways: the
 * listener hands it to each request it admits ({@link #carry}) and {@linkplain #cut marks} it just before it closes
 * what is left; the proxy asks a request about it ({@link #of}) when its client connection is found gone. A request
 * served by a gateway mounted in another server carries none: only that server closes its connections.
 *
 * <p>Thread-safe: marked on the thread that stops or retires, read on the IO threads, which learn of the close only
 * after the mark (the closes are tasks run on them).
 */
public final class DrainCut {

    /** Whose drain deadline closed the connections. */
    public enum Deadline {
        STOP("the stop's drain deadline"),
        RELOAD("the reload's drain deadline");

        private final String named;

        Deadline(String named) {
            this.named = named;
        }

        /** @return how the proxy's log line names it: {@code the stop's drain deadline} */
        @Override
        public String toString() {
            return named;
        }
    }

    private static final AttachmentKey<DrainCut> KEY = AttachmentKey.create(DrainCut.class);

    /** Null until the listener's connections are closed at a deadline. */
    private volatile Deadline cutAt;

    /**
     * Lets {@code exchange} learn whether this listener's connections were cut: called for every request the listener
     * admits.
     */
    public void carry(HttpServerExchange exchange) {
        exchange.putAttachment(KEY, this);
    }

    /**
     * The listener closes the connections still open now, at {@code deadline}: call before closing them. The first
     * deadline stays: a reload's that comes after a stop's does not rename the stop's cuts.
     */
    public synchronized void cut(Deadline deadline) {
        if (cutAt == null) {
            cutAt = deadline;
        }
    }

    /**
     * Whose deadline closed {@code exchange}'s client connection.
     *
     * @param exchange a request whose client connection was found closed
     * @return the deadline, or {@code null} when the gateway did not close it (the client went away)
     */
    public static Deadline of(HttpServerExchange exchange) {
        DrainCut cut = exchange.getAttachment(KEY);
        return cut == null ? null : cut.cutAt;
    }
}
