package io.gatehouse.internal.proxy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CGI variables of a request too long for one {@code FCGI_PARAMS} record, laid out in several: the records hold
 * the pairs in order, none over FastCGI's 65,535 bytes, and the buffer has exactly the room asked for the records
 * that follow. Which pairs a header map hands over, and in what order, depends on hashing, so the layouts that
 * matter are built here directly.
 */
class FastCgiParamsRecordsTest {

    @Test
    void pairsLongerThanARecordBetweenShortOnesAllFit() {
        // Each long pair is cut in two, and its short last piece stands next to a record holding one short pair:
        // three records per long and short pair, more than records half full would need.
        ByteBuffer pairs = ByteBuffer.allocate(1 << 20).position(FastCgiRecords.PAIRS_AT);
        for (int i = 0; i < 6; i++) {
            pair(pairs, "HTTP_X_BIG_" + i, "b".repeat(70_000));
            pair(pairs, "HTTP_X_SMALL_" + i, "s");
        }
        assertRecordsHoldThePairs(pairs);
    }

    @Test
    void shortPairsFillRecordsWithoutCuttingOne() {
        ByteBuffer pairs = ByteBuffer.allocate(1 << 20).position(FastCgiRecords.PAIRS_AT);
        for (int i = 0; i < 20; i++) {
            pair(pairs, String.format("HTTP_X_%02d", i), "v".repeat(12_000));
        }
        int[] sizes = assertRecordsHoldThePairs(pairs);
        int pair = 1 + 4 + "HTTP_X_00".length() + 12_000;
        for (int size : sizes) {
            assertEquals(0, size % pair, "whole pairs of " + pair + " bytes in a record of " + size);
        }
    }

    /**
     * Lays the pairs after {@link FastCgiRecords#PAIRS_AT} out in records and checks them; returns the records' sizes.
     */
    private static int[] assertRecordsHoldThePairs(ByteBuffer pairs) {
        int length = pairs.position() - FastCgiRecords.PAIRS_AT;
        int ends = 2 * FastCgiRecords.HEADER_LENGTH;
        ByteBuffer out = FastCgiRecords.inRecords(pairs, length, ends);

        assertEquals(ends, out.remaining(), "room for the end records, and no more");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        for (int at = 2 * FastCgiRecords.HEADER_LENGTH; at < out.position(); ) {
            assertEquals(FastCgiRecords.PARAMS, out.get(at + 1));
            int size = (out.get(at + 4) & 0xff) << 8 | out.get(at + 5) & 0xff;
            assertTrue(size > 0 && size <= FastCgiRecords.MAX_CONTENT, "record of " + size + " bytes");
            content.write(out.array(), at + FastCgiRecords.HEADER_LENGTH, size);
            sizes.add(size);
            at += FastCgiRecords.HEADER_LENGTH + size;
        }
        byte[] expected = new byte[length];
        pairs.get(FastCgiRecords.PAIRS_AT, expected);
        assertArrayEquals(expected, content.toByteArray());
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void pair(ByteBuffer into, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        length(into, n.length);
        length(into, v.length);
        into.put(n).put(v);
    }

    private static void length(ByteBuffer into, int length) {
        if (length < 128) {
            into.put((byte) length);
        } else {
            into.putInt(length | 0x80000000);
        }
    }
}
