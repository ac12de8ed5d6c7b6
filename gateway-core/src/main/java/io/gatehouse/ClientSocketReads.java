package io.gatehouse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.Buffers;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The lowest layer of a client connection's read side, right on the socket, under the framing conduit (and, on a
 * TLS listener, under the TLS conduit, which passes its suspensions down as a parser above would). It saves two
 * kinds of system call the layers above would make for nothing.
 *
 * <p><b>Suspensions deferred.</b> It keeps the socket registered for reads when the layers above suspend them, and
 * suspends for real only if the client sends something meanwhile. Why: Undertow suspends reads on a connection as
 * soon as it has parsed a request and resumes them when the response is done. Behind a proxy those two happen in
 * different turns of the IO thread's selector, and the JDK's epoll selector turns each into a system call
 * ({@code EPOLL_CTL_DEL}, then {@code EPOLL_CTL_ADD}): two of the nine or so a proxied request costs. A keep-alive
 * client almost never sends while its request is answered, so leaving the registration alone is nearly always right;
 * when it does send (a pipelined request, a close), the selector reports it, and only then is the socket suspended,
 * exactly as before.
 *
 * <p><b>No read of a socket known to be empty.</b> A read that left room in its buffer emptied the socket; until the
 * selector reports it readable again (or a reader waits for it, or asks for a wakeup), a read returns 0 at once
 * instead of asking the kernel. Why: Undertow's HTTP/2 channel reads the socket again before parsing each frame it
 * already holds, so a client's burst of requests cost one {@code read} per request that found nothing
 * ({@code EAGAIN}): about one system call in four of an HTTP/2 request. Bytes arriving after the emptying read are
 * not lost: the selector is level-triggered, so they make the socket readable at its next turn, which resets this.
 *
 * <p>Contract towards the layers above, unchanged: readiness that comes while reads are suspended is not passed
 * up, {@link #isReadResumed()} is false, and bytes that arrive meanwhile stay in the socket until reads are resumed
 * (a suspension racing a readiness already passed up lets that one call through, as XNIO's own does); a read may
 * return 0 while bytes wait, as any non-blocking read may when they arrive just after it. The suspension state is
 * guarded by this conduit's lock: suspending and resuming may come from a worker thread (a dispatched handler),
 * readiness always comes from the IO thread. The socket's own resume and suspend cost nothing when they change
 * nothing, so they are always passed on.
 */
final class ClientSocketReads extends AbstractStreamSourceConduit<StreamSourceConduit> {

    /** Whether the layers above want reads. */
    private boolean wanted;
    /** Whether the last read found the socket empty, and no readiness, wait or wakeup came since. */
    private volatile boolean drained;

    private ClientSocketReads(StreamSourceConduit socket) {
        super(socket);
    }

    /** Installs the deferral right on {@code channel}'s socket; call before any other conduit is stacked on it. */
    static void install(ConduitStreamSourceChannel channel) {
        ClientSocketReads deferral = new ClientSocketReads(channel.getConduit());
        deferral.wanted = channel.isReadResumed();
        // The channel gave the socket its own handler when it was created; the same one, behind the gate.
        deferral.next.setReadReadyHandler(deferral.gate(new ReadReadyHandler.ChannelListenerHandler<>(channel)));
        channel.setConduit(deferral);
    }

    @Override
    public void setReadReadyHandler(ReadReadyHandler handler) {
        next.setReadReadyHandler(gate(handler));
    }

    @Override
    public synchronized void suspendReads() {
        wanted = false;
    }

    @Override
    public synchronized void resumeReads() {
        wanted = true;
        next.resumeReads();
    }

    @Override
    public synchronized void wakeupReads() {
        wanted = true;
        drained = false;
        next.wakeupReads();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (drained) {
            return 0;
        }
        int read = next.read(dst);
        drained = read >= 0 && dst.hasRemaining();
        return read;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (drained) {
            return 0;
        }
        long read = next.read(dsts, offset, length);
        drained = read >= 0 && Buffers.hasRemaining(dsts, offset, length);
        return read;
    }

    @Override
    public void awaitReadable() throws IOException {
        // A blocking reader waits here between reads: it must find what the socket holds, not 0 again.
        drained = false;
        next.awaitReadable();
    }

    @Override
    public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
        drained = false;
        next.awaitReadable(time, timeUnit);
    }

    @Override
    public synchronized boolean isReadResumed() {
        return wanted && next.isReadResumed();
    }

    /** True when readiness should go up; false when it came while nobody wanted reads, which suspends them now. */
    private synchronized boolean admit() {
        if (!wanted) {
            next.suspendReads();
        }
        return wanted;
    }

    private ReadReadyHandler gate(ReadReadyHandler above) {
        return new ReadReadyHandler() {
            @Override
            public void readReady() {
                drained = false;
                if (admit()) {
                    above.readReady();
                }
            }

            @Override
            public void forceTermination() {
                above.forceTermination();
            }

            @Override
            public void terminated() {
                above.terminated();
            }
        };
    }
}
