package io.gatehouse.internal.proxy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A responder's records read from buffers cut anywhere, as reads from a socket cut them: what is left unread at a
 * buffer's end goes before the next one's bytes, as {@link FastCgiCodec} puts it. Padding, the record types a
 * responder's client skips and the end's protocol status are built here byte by byte: php-cgi sends only some of
 * them, and never where a test chooses.
 */
class FastCgiRecordReaderTest {

    private static final int STDOUT = 6;
    private static final int STDERR = 7;
    private static final int END_REQUEST = 3;
    private static final int GET_VALUES_RESULT = 10;

    @Test
    void recordsCutAtEveryByteGiveTheirContentInOrder() {
        byte[] answer = concat(record(STDOUT, "Status: 200\r\n\r\nhel", 3), record(STDERR, "oops\n", 0),
                record(GET_VALUES_RESULT, "\u0003\u0001MAX1", 4), record(STDOUT, "lo", 6), endRequest(0, 0));
        for (int cut = 0; cut <= answer.length; cut++) {
            Recorder recorder = new Recorder();
            readInTwo(recorder, answer, cut);
            assertEquals("Status: 200\r\n\r\nhello", recorder.stdout(), "cut at " + cut);
            assertEquals("oops\n", recorder.stderr(), "cut at " + cut);
            assertEquals(List.of(true), recorder.ends, "cut at " + cut);
        }
    }

    @Test
    void anEndFollowedByAnythingIsNotLast() {
        Recorder recorder = new Recorder();
        readInTwo(recorder, concat(record(STDOUT, "\r\n", 0), endRequest(0, 0), new byte[]{1}), 0);
        assertEquals(List.of(false), recorder.ends);
    }

    @Test
    void anEndWhosePaddingIsNotAllReadIsNotLast() {
        byte[] answer = concat(record(STDOUT, "\r\n", 0), endRequest(0, 8));
        Recorder recorder = new Recorder();
        assertFalse(new FastCgiRecordReader(recorder).read(ByteBuffer.wrap(answer, 0, answer.length - 1)));
        assertEquals(List.of(false), recorder.ends);
    }

    @Test
    void anEndThatDidNotCompleteTheRequestIsNotComplete() {
        Recorder recorder = new Recorder();
        readInTwo(recorder, concat(record(STDOUT, "\r\n", 0), endRequest(1, 0)), 0);   // FCGI_CANT_MPX_CONN
        assertEquals(List.of(false), recorder.ends);
    }

    @Test
    void stdoutNotTakenIsOfferedAgain() {
        Recorder recorder = new Recorder();
        recorder.refuseStdout = true;
        FastCgiRecordReader reader = new FastCgiRecordReader(recorder);
        ByteBuffer buffer = ByteBuffer.wrap(concat(record(STDOUT, "body", 0), endRequest(0, 0)));
        assertFalse(reader.read(buffer));
        assertEquals("", recorder.stdout());
        recorder.refuseStdout = false;
        assertFalse(reader.read(buffer));
        assertEquals("body", recorder.stdout());
        assertEquals(List.of(true), recorder.ends);
    }

    @Test
    void anotherVersionAndAnEndOfAnotherLengthAreMalformed() {
        byte[] version2 = record(STDOUT, "x", 0);
        version2[0] = 2;
        byte[] longEnd = record(END_REQUEST, "\0".repeat(16), 0);
        for (byte[] answer : List.of(version2, longEnd)) {
            Recorder recorder = new Recorder();
            assertFalse(new FastCgiRecordReader(recorder).read(ByteBuffer.wrap(answer)));
            assertEquals(1, recorder.malformed.size());
        }
    }

    /**
     * Reads {@code answer} cut at {@code cut}: the first part, then what it left unread before the rest, in a buffer
     * with the codec's room for it in front.
     */
    private static void readInTwo(Recorder recorder, byte[] answer, int cut) {
        FastCgiRecordReader reader = new FastCgiRecordReader(recorder);
        ByteBuffer first = ByteBuffer.wrap(answer, 0, cut);
        if (!reader.read(first)) {
            return;
        }
        assertTrue(first.remaining() < FastCgiRecordReader.UNREAD_ROOM, first.remaining() + " bytes left unread");
        ByteBuffer second = ByteBuffer.allocate(FastCgiRecordReader.UNREAD_ROOM + answer.length - cut);
        int start = FastCgiRecordReader.UNREAD_ROOM - first.remaining();
        second.position(start);
        second.put(first).put(answer, cut, answer.length - cut).flip().position(start);
        assertFalse(reader.read(second), "the end of the request ends the pass");
    }

    /** A record for request 1 of {@code type} with {@code content} (one byte a char) and {@code padding} bytes. */
    private static byte[] record(int type, String content, int padding) {
        byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer record = ByteBuffer.allocate(8 + bytes.length + padding);
        record.put((byte) 1).put((byte) type).putShort((short) 1).putShort((short) bytes.length)
                .put((byte) padding).put((byte) 0).put(bytes);
        return record.array();
    }

    /** FCGI_END_REQUEST: application status 0 and {@code protocolStatus}. */
    private static byte[] endRequest(int protocolStatus, int padding) {
        return record(END_REQUEST, "\0\0\0\0" + (char) protocolStatus + "\0\0\0", padding);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Keeps what the reader hands over. */
    private static final class Recorder implements FastCgiRecordReader.Handler {
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final List<Boolean> ends = new ArrayList<>();
        final List<String> malformed = new ArrayList<>();
        boolean refuseStdout;

        @Override
        public boolean stdout(ByteBuffer buffer, int length) {
            if (refuseStdout) {
                return false;
            }
            take(buffer, length, stdout);
            return true;
        }

        @Override
        public void stderr(ByteBuffer buffer, int length) {
            take(buffer, length, stderr);
        }

        @Override
        public void requestEnded(boolean completeAndLast) {
            ends.add(completeAndLast);
        }

        @Override
        public void malformed(String reason) {
            malformed.add(reason);
        }

        String stdout() {
            return stdout.toString(StandardCharsets.ISO_8859_1);
        }

        String stderr() {
            return stderr.toString(StandardCharsets.ISO_8859_1);
        }

        private static void take(ByteBuffer buffer, int length, ByteArrayOutputStream into) {
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            into.writeBytes(bytes);
        }
    }
}
