package io.gatehouse.internal.guard;

import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where one exchange's handler learns that its request body was refused. The {@link FramingConduit} sits below
 * Undertow's body decoding, and an exception thrown there makes Undertow close the connection at once, before
 * anyone could answer 400 or 413. So the conduit only stops delivering bytes and records the refusal here; this
 * gate, installed as a request wrapper above Undertow's decoding, throws {@link RequestRejectedException} to the
 * handler, which can still answer.
 */
final class BodyGate {

    private volatile RequestRejectedException failure;
    private boolean reported;

    void refuse(RequestRejectedException rejection) {
        failure = rejection;
    }

    StreamSourceConduit wrap(StreamSourceConduit decoded) {
        return new Conduit(decoded);
    }

    /** Throws the refusal once; afterwards reads see the end of the body (see {@link Conduit}). */
    private boolean check() throws RequestRejectedException {
        RequestRejectedException refused = failure;
        if (refused == null) {
            return false;
        }
        if (!reported) {
            reported = true;
            throw refused;
        }
        return true;
    }

    private final class Conduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

        Conduit(StreamSourceConduit next) {
            super(next);
        }

        // Once the handler has been told, reads end the body: Undertow drains the body before it sends the
        // handler's answer, and an exception there would close the connection with no answer at all.

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (check()) {
                return -1;
            }
            int read = next.read(dst);
            return read <= 0 && check() ? -1 : read;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
            if (check()) {
                return -1;
            }
            long read = next.read(dsts, offs, len);
            return read <= 0 && check() ? -1 : read;
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            if (check()) {
                return 0;
            }
            long moved = next.transferTo(position, count, target);
            return moved <= 0 && check() ? 0 : moved;
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            if (check()) {
                throughBuffer.limit(0);
                return -1;
            }
            long moved = next.transferTo(count, throughBuffer, target);
            if (moved <= 0 && check()) {
                throughBuffer.limit(0);
                return -1;
            }
            return moved;
        }
    }
}
