package io.gatehouse.internal.proxy;

import org.xnio.conduits.StreamSinkConduit;

import java.nio.ByteBuffer;

/**
 * The FastCGI 1.0 records a responder's client writes, all for request id 1 (a connection carries one request at a
 * time): {@code FCGI_BEGIN_REQUEST} (role {@code FCGI_RESPONDER}, flag {@code FCGI_KEEP_CONN}), the request's
 * name-value pairs in {@code FCGI_PARAMS} records ended by an empty one ({@link #request}), and its body in
 * {@code FCGI_STDIN} records ended by an empty one ({@link StdinConduit}). The record types and the header's length
 * serve {@link FastCgiRecordReader} too. Bytes and buffers only: which pairs a request has is {@link CgiParams}'s
 * business, when to write them {@link FastCgiCodec}'s.
 */
final class FastCgiRecords {

    static final int VERSION = 1;
    static final int BEGIN_REQUEST = 1;
    static final int END_REQUEST = 3;
    static final int PARAMS = 4;
    static final int STDIN = 5;
    static final int STDOUT = 6;
    static final int STDERR = 7;
    static final int HEADER_LENGTH = 8;
    private static final int RESPONDER = 1;
    private static final int KEEP_CONN = 1;
    /** The most content bytes one record holds: its length is two bytes. */
    static final int MAX_CONTENT = 65535;
    /** Where a request's name-value pairs start: after its BEGIN_REQUEST record and the first PARAMS header. */
    static final int PAIRS_AT = 3 * HEADER_LENGTH;
    /** The most request body bytes in one STDIN record: one pooled buffer's worth. */
    private static final int MAX_STDIN = 16 * 1024;

    private FastCgiRecords() {
    }

    /**
     * Frames encoded name-value pairs as a request's head: BEGIN_REQUEST, the PARAMS records and their end, and the
     * empty STDIN record when no body follows. When the pairs fit in one PARAMS record and the end records fit after
     * them, the records are put around them in place, in {@code pairs}, whose first {@link #PAIRS_AT} bytes are
     * overwritten; else they are copied into records in a new heap buffer ({@link #inRecords}).
     *
     * @param pairs       the pairs, encoded from {@link #PAIRS_AT} up to its position
     * @param bodyFollows the body will follow in STDIN records ({@link StdinConduit}), which end it
     * @return the whole head, flipped, ready to write: {@code pairs} itself or the new buffer
     */
    static ByteBuffer request(ByteBuffer pairs, boolean bodyFollows) {
        int pairsLength = pairs.position() - PAIRS_AT;
        int ends = bodyFollows ? HEADER_LENGTH : 2 * HEADER_LENGTH;
        ByteBuffer out = pairs;
        if (pairsLength > MAX_CONTENT || pairs.remaining() < ends) {
            out = inRecords(pairs, pairsLength, ends);
        } else {
            header(out.duplicate().position(2 * HEADER_LENGTH), PARAMS, pairsLength);
        }
        ByteBuffer begin = out.duplicate().position(0);
        header(begin, BEGIN_REQUEST, HEADER_LENGTH);
        begin.put((byte) 0).put((byte) RESPONDER).put((byte) KEEP_CONN).putInt(0).put((byte) 0);   // 5 reserved
        header(out, PARAMS, 0);
        if (!bodyFollows) {
            header(out, STDIN, 0);
        }
        return out.flip();
    }

    /**
     * The {@code pairsLength} bytes of pairs at {@link #PAIRS_AT} in {@code pairs}, copied into PARAMS records of at
     * most {@link #MAX_CONTENT} bytes in a new buffer, positioned after them, with room for {@code ends} more bytes
     * and the BEGIN_REQUEST record in front. A record holds whole pairs (PHP parses each record's pairs on their
     * own, and drops the connection on a pair cut between two), except a pair longer than a record, cut.
     */
    static ByteBuffer inRecords(ByteBuffer pairs, int pairsLength, int ends) {
        // Counted, not bounded: a pair longer than a record is cut, and its short last piece may stand next to a
        // record of one small pair, so records are not each more than half full.
        int records = 0;
        for (int offset = 0; offset < pairsLength; ) {
            int size = recordGroup(pairs, offset, pairsLength);
            records += (size + MAX_CONTENT - 1) / MAX_CONTENT;
            offset += size;
        }
        ByteBuffer out = ByteBuffer.allocate(2 * HEADER_LENGTH + records * HEADER_LENGTH + pairsLength + ends)
                .position(2 * HEADER_LENGTH);
        for (int offset = 0; offset < pairsLength; ) {
            int size = recordGroup(pairs, offset, pairsLength);
            for (int cut = 0; cut < size; cut += MAX_CONTENT) {
                int part = Math.min(MAX_CONTENT, size - cut);
                header(out, PARAMS, part);
                int from = PAIRS_AT + offset + cut;
                out.put(pairs.duplicate().limit(from + part).position(from));
            }
            offset += size;
        }
        return out;
    }

    /**
     * The bytes from {@code offset} that go in one record: as many whole pairs as fit in {@link #MAX_CONTENT}, or
     * one pair longer than that, to be cut.
     */
    private static int recordGroup(ByteBuffer pairs, int offset, int pairsLength) {
        int size = 0;
        while (offset + size < pairsLength) {
            int pair = pairLength(pairs, PAIRS_AT + offset + size);
            if (size + pair > MAX_CONTENT) {
                return size == 0 ? pair : size;
            }
            size += pair;
        }
        return size;
    }

    /** The bytes of the encoded pair at {@code at}: its two lengths, its name and its value. */
    private static int pairLength(ByteBuffer pairs, int at) {
        int valueLengthAt = at + lengthBytes(pairs, at);
        int nameAt = valueLengthAt + lengthBytes(pairs, valueLengthAt);
        return nameAt - at + length(pairs, at) + length(pairs, valueLengthAt);
    }

    /** A FastCGI length at {@code at}: one byte below 128, else four with the top bit set. */
    private static int length(ByteBuffer pairs, int at) {
        return lengthBytes(pairs, at) == 1 ? pairs.get(at) : pairs.getInt(at) & 0x7fffffff;
    }

    private static int lengthBytes(ByteBuffer pairs, int at) {
        return (pairs.get(at) & 0x80) == 0 ? 1 : 4;
    }

    /** Puts a record header for request 1 with {@code length} content bytes and no padding. */
    private static void header(ByteBuffer into, int type, int length) {
        into.put((byte) VERSION).put((byte) type).put((byte) 0).put((byte) 1)
                .put((byte) (length >>> 8)).put((byte) length).put((byte) 0).put((byte) 0);
    }

    /** A request body in {@code FCGI_STDIN} records of up to 16 KiB; its end, the empty one. */
    static final class StdinConduit extends FramingSinkConduit {
        StdinConduit(StreamSinkConduit next) {
            super(next, MAX_STDIN, 2 * HEADER_LENGTH);
        }

        @Override
        void open(ByteBuffer into, int length) {
            header(into, STDIN, length);
        }

        @Override
        void close(ByteBuffer into) {
        }

        @Override
        void last(ByteBuffer into) {
            header(into, STDIN, 0);
        }
    }
}
