package io.gatehouse.internal.tls;

import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The read side of a TLS connection while its handshake runs, over Undertow's TLS conduit: a failure to read (the
 * handshake failed, the client reset) ends the {@link TlsHandshake} with one log line, and the reader above,
 * the {@link ProtocolChoice}, sees the end of the stream instead of an exception it would log with a stack trace.
 * Removed once the handshake is done ({@link AfterHandshake}), so the protocol's own reader sees every later failure.
 */
final class HandshakeWatch extends AbstractStreamSourceConduit<StreamSourceConduit> {

    private final TlsHandshake handshake;

    HandshakeWatch(StreamSourceConduit tls, TlsHandshake handshake) {
        super(tls);
        this.handshake = handshake;
    }

    TlsHandshake handshake() {
        return handshake;
    }

    /** The TLS conduit under this one. */
    StreamSourceConduit tls() {
        return next;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return next.read(dst);
        } catch (IOException e) {
            handshake.failed(e);
            return -1;
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        try {
            return next.read(dsts, offs, len);
        } catch (IOException e) {
            handshake.failed(e);
            return -1;
        }
    }
}
