package io.gatehouse.internal.guard;

import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Tells, on a connection of an {@code h2c} listener, HTTP/2 with prior knowledge from HTTP/1.1 by the connection's
 * first bytes, before either protocol's parser sees one: the 24 bytes of the HTTP/2 client preface (RFC 9113
 * section 3.4) make it HTTP/2; the first byte that departs from the preface makes it HTTP/1.1, and the bytes read so
 * far go to the HTTP/1.1 side with the connection. HTTP/1.1 heads therefore never meet HTTP/2 frames: an HTTP/2
 * connection never passes through the HTTP/1.1 framing checks, nor an HTTP/1.1 one through HTTP/2's parser.
 *
 * <p>Only the preface itself waits: every HTTP/1.1 method but {@code PRI} departs from it by its second byte. A
 * connection that has not told within {@code timeout} of being accepted, or that closes first, is closed (Undertow's
 * {@code NO_REQUEST_TIMEOUT} is not running yet, and this stands in for it). Runs on the connection's IO thread.
 */
public final class PriorKnowledge implements ChannelListener<ConduitStreamSourceChannel> {

    private static final Logger LOG = System.getLogger(PriorKnowledge.class.getPackageName());
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Where the connection goes once its protocol is known. */
    public interface Protocols {

        /**
         * An HTTP/1.1 connection, whose {@code firstBytes} were already read off the socket (the framing checks
         * must read them first: {@link FrontDoor#installFramingCheck(StreamConnection, io.gatehouse.config.Limits,
         * io.gatehouse.config.Timeouts, io.gatehouse.internal.observe.RepeatedEvents,
         * io.gatehouse.internal.xnio.PerIoThread, ByteBuffer)}).
         *
         * @param connection the connection, reads suspended and no read listener set
         * @param firstBytes the bytes read, from position to limit
         */
        void http1(StreamConnection connection, ByteBuffer firstBytes);

        /**
         * An HTTP/2 connection whose preface has been read: the next byte is the client's SETTINGS frame.
         *
         * @param connection the connection, reads suspended and no read listener set
         */
        void http2(StreamConnection connection);
    }

    private final StreamConnection connection;
    private final Protocols protocols;
    private final ByteBuffer seen = ByteBuffer.allocate(PREFACE.length);
    private final XnioExecutor.Key timer;

    private PriorKnowledge(StreamConnection connection, Protocols protocols, Duration timeout) {
        this.connection = connection;
        this.protocols = protocols;
        this.timer = connection.getIoThread().executeAfter(this::timedOut, Math.max(1, timeout.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Reads {@code connection}'s first bytes and hands it to {@code protocols} once they tell its protocol; call
     * from the accept listener, before anything else reads the connection.
     *
     * @param connection a connection just accepted
     * @param timeout    how long the client has to tell (the listener's {@code timeouts.idle})
     * @param protocols  where the connection goes
     */
    public static void sniff(StreamConnection connection, Duration timeout, Protocols protocols) {
        PriorKnowledge sniffer = new PriorKnowledge(connection, protocols, timeout);
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        source.setReadListener(sniffer);
        sniffer.handleEvent(source);
    }

    @Override
    public void handleEvent(ConduitStreamSourceChannel source) {
        int read;
        try {
            read = source.read(seen);
        } catch (IOException e) {
            close();
            return;
        }
        if (read < 0) {
            close();
            return;
        }
        for (int i = seen.position() - Math.max(read, 0); i < seen.position(); i++) {
            if (seen.get(i) != PREFACE[i]) {
                handOver();
                protocols.http1(connection, seen.flip());
                return;
            }
        }
        if (!seen.hasRemaining()) {
            handOver();
            protocols.http2(connection);
            return;
        }
        source.resumeReads();
    }

    private void handOver() {
        timer.remove();
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        source.suspendReads();
        source.setReadListener(null);
    }

    private void timedOut() {
        if (connection.isOpen() && seen.hasRemaining()) {
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, connection.getPeerAddress() + ": sent no request within timeouts.idle, closed");
            }
            IoUtils.safeClose(connection);
        }
    }

    private void close() {
        timer.remove();
        IoUtils.safeClose(connection);
    }
}
