package io.gatehouse.internal.proxy;

import java.nio.ByteBuffer;

/**
 * Reads the records of a FastCGI responder's answer from buffers as they arrive, a record cut anywhere between two
 * of them: the content of {@code FCGI_STDOUT} and {@code FCGI_STDERR} records goes to its {@link Handler} piece by
 * piece, as it is read, never copied; an {@code FCGI_END_REQUEST} record is read whole; padding, and the records a
 * responder's client has no use for ({@code FCGI_GET_VALUES_RESULT}, {@code FCGI_UNKNOWN_TYPE}), are skipped. A
 * record of another version than 1, or an {@code FCGI_END_REQUEST} whose body is not 8 bytes (FastCGI 1.0 §5.5),
 * is malformed. Knows the record format alone: what the content means, and what follows the end, is the handler's.
 *
 * <p>It keeps only where it is in the current record, so one reader serves a connection for its life, {@link #reset}
 * before each request. Not thread-safe: it runs on the connection's IO thread.
 */
final class FastCgiRecordReader {

    /**
     * Room enough for what {@link #read} leaves unread when it asks for more bytes: fewer than a record header, or
     * than an {@code FCGI_END_REQUEST} body, which is as long.
     */
    static final int UNREAD_ROOM = FastCgiRecords.HEADER_LENGTH;
    private static final int END_REQUEST_LENGTH = 8;
    /** Where the protocol status stands in an {@code FCGI_END_REQUEST} body, after the 4-byte application status. */
    private static final int PROTOCOL_STATUS_AT = 4;
    private static final int REQUEST_COMPLETE = 0;

    /**
     * What a responder's records say, told as they are read. Each call may end the pass ({@link #read} returns
     * false): the handler then reported something to whoever waits on it, and does nothing more but return.
     */
    interface Handler {
        /**
         * Content of an {@code FCGI_STDOUT} record: the {@code length} bytes of {@code buffer} from its position.
         * The handler takes all of them (moves the position past them) and goes on; or it ends the pass, having
         * taken none, which the next {@link #read} of the same buffer offers again, or having reported a failure.
         *
         * @return whether the pass goes on
         */
        boolean stdout(ByteBuffer buffer, int length);

        /**
         * Content of an {@code FCGI_STDERR} record: the {@code length} bytes of {@code buffer} from its position,
         * all of which the handler takes.
         */
        void stderr(ByteBuffer buffer, int length);

        /**
         * An {@code FCGI_END_REQUEST} record was read, padding included when it was all in the buffer: the response
         * is over, and the pass ends.
         *
         * @param completeAndLast the responder completed the request ({@code FCGI_REQUEST_COMPLETE}), the record's
         *                        padding was all read, and nothing follows it in the buffer
         */
        void requestEnded(boolean completeAndLast);

        /**
         * The bytes are no FastCGI record, or a malformed one: the pass ends.
         *
         * @param reason for the log
         */
        void malformed(String reason);
    }

    private final Handler handler;
    /** The record being read: its type, and how much of its content and padding is still to come. */
    private int type;
    private int contentLeft;
    private int paddingLeft;
    private boolean inRecord;

    /** @param handler where the records go; the same for every request */
    FastCgiRecordReader(Handler handler) {
        this.handler = handler;
    }

    /** The next request's answer starts with a record's header. */
    void reset() {
        inRecord = false;
    }

    /**
     * Reads the records in {@code buffer}, from its position, telling the handler what they hold.
     *
     * @return true when more bytes must be read: then fewer than {@link #UNREAD_ROOM} bytes of {@code buffer} are
     *         left, unread, to be read again before the next ones; false when a handler's call ended the pass
     *         (the position is then past what was taken)
     */
    boolean read(ByteBuffer buffer) {
        while (true) {
            if (!inRecord) {
                if (buffer.remaining() < FastCgiRecords.HEADER_LENGTH) {
                    return true;
                }
                int version = buffer.get() & 0xff;
                type = buffer.get() & 0xff;
                buffer.getShort();   // the request id: one request at a time
                contentLeft = buffer.getShort() & 0xffff;
                paddingLeft = buffer.get() & 0xff;
                buffer.get();
                if (version != FastCgiRecords.VERSION) {
                    handler.malformed("not a FastCGI record");
                    return false;
                }
                if (type == FastCgiRecords.END_REQUEST && contentLeft != END_REQUEST_LENGTH) {
                    handler.malformed("invalid FCGI_END_REQUEST record");
                    return false;
                }
                inRecord = true;
            }
            if (contentLeft > 0) {
                // An FCGI_END_REQUEST body is read whole, its few bytes left unread until all of them came.
                if (!buffer.hasRemaining()
                        || (type == FastCgiRecords.END_REQUEST && buffer.remaining() < contentLeft)) {
                    return true;
                }
                if (!content(buffer)) {
                    return false;
                }
                if (contentLeft > 0) {
                    continue;
                }
            }
            if (!skipPadding(buffer)) {
                return true;
            }
            inRecord = false;
        }
    }

    /** Gives the handler what {@code buffer} has of the current record's content; false when the pass ends. */
    private boolean content(ByteBuffer buffer) {
        int available = Math.min(contentLeft, buffer.remaining());
        switch (type) {
            case FastCgiRecords.STDOUT -> {
                if (!handler.stdout(buffer, available)) {
                    return false;
                }
                contentLeft -= available;
                return true;
            }
            case FastCgiRecords.STDERR -> {
                handler.stderr(buffer, available);
                contentLeft -= available;
                return true;
            }
            case FastCgiRecords.END_REQUEST -> {
                int protocolStatus = buffer.get(buffer.position() + PROTOCOL_STATUS_AT);
                buffer.position(buffer.position() + contentLeft);
                contentLeft = 0;
                boolean paddingRead = skipPadding(buffer);
                handler.requestEnded(protocolStatus == REQUEST_COMPLETE && paddingRead && !buffer.hasRemaining());
                return false;
            }
            default -> {
                buffer.position(buffer.position() + available);
                contentLeft -= available;
                return true;
            }
        }
    }

    /** Skips what {@code buffer} has of the current record's padding; whether that was all of it. */
    private boolean skipPadding(ByteBuffer buffer) {
        int skip = Math.min(paddingLeft, buffer.remaining());
        buffer.position(buffer.position() + skip);
        paddingLeft -= skip;
        return paddingLeft == 0;
    }
}
