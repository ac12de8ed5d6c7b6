package io.gatehouse;

import io.gatehouse.testing.OneIoThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a real loopback TCP connection accepted by XNIO; a counting conduit between the deferral and the socket sees
 * which suspensions and resumptions reach the socket.
 */
@Timeout(20)
class ClientSocketReadsTest {

    private static final String EOF = "<eof>";

    private OneIoThread io;
    private AcceptingChannel<StreamConnection> acceptor;
    private Socket client;
    private StreamConnection server;
    private ConduitStreamSourceChannel reads;
    private Counting socket;
    private final LinkedBlockingQueue<String> delivered = new LinkedBlockingQueue<>();
    private final AtomicInteger listenerCalls = new AtomicInteger();

    @BeforeEach
    void connect() throws Exception {
        io = new OneIoThread();
        CompletableFuture<StreamConnection> accepted = new CompletableFuture<>();
        acceptor = io.worker().createStreamConnectionServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ChannelListeners.openListenerAdapter(accepted::complete), OptionMap.EMPTY);
        acceptor.resumeAccepts();
        client = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) acceptor.getLocalAddress()).getPort());
        server = accepted.get(10, TimeUnit.SECONDS);
        reads = server.getSourceChannel();
        socket = new Counting(reads.getConduit());
        reads.setConduit(socket);
        ClientSocketReads.install(reads);
        reads.setReadListener(channel -> {
            listenerCalls.incrementAndGet();
            ByteBuffer buffer = ByteBuffer.allocate(64);
            try {
                int read = channel.read(buffer);
                if (read > 0) {
                    delivered.add(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                } else if (read < 0) {
                    delivered.add(EOF);
                    channel.suspendReads();
                }
            } catch (IOException e) {
                delivered.add("failed: " + e);
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        IoUtils.safeClose(server, acceptor);
        io.close();
    }

    @Test
    void suspendingAndResumingWithNothingArrivingLeavesTheSocketRegistered() throws Exception {
        reads.resumeReads();
        for (int request = 0; request < 5; request++) {
            reads.suspendReads();
            assertFalse(reads.isReadResumed());
            reads.resumeReads();
            assertTrue(reads.isReadResumed());
        }

        assertEquals(0, socket.suspends.get(), "a suspension reached the socket");
        send("GET /");
        assertEquals("GET /", delivered.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void bytesArrivingWhileSuspendedSuspendTheSocketAndWaitForTheResume() throws Exception {
        reads.resumeReads();
        reads.suspendReads();

        send("pipelined");
        assertTrue(socket.suspended.await(10, TimeUnit.SECONDS), "readiness while suspended did not suspend the socket");
        io.settle();
        assertEquals(0, listenerCalls.get(), "the listener ran while reads were suspended");
        assertFalse(reads.isReadResumed());

        reads.resumeReads();
        assertEquals("pipelined", delivered.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void closeWhileSuspendedIsSeenOnceReadsResume() throws Exception {
        reads.resumeReads();
        reads.suspendReads();

        client.close();
        assertTrue(socket.suspended.await(10, TimeUnit.SECONDS), "the close did not suspend the socket");
        io.settle();
        assertEquals(0, listenerCalls.get(), "the listener ran while reads were suspended");

        reads.resumeReads();
        assertEquals(EOF, delivered.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void wakeupCallsTheListenerEvenWithNothingToRead() throws Exception {
        reads.wakeupReads();

        while (listenerCalls.get() == 0) {
            Thread.sleep(5);
        }
        assertTrue(reads.isReadResumed());
        assertTrue(delivered.isEmpty());
    }

    @Test
    void aReadAfterTheSocketWasEmptiedDoesNotAskTheSocketAgain() throws Exception {
        reads.resumeReads();
        send("GET /");
        assertEquals("GET /", delivered.poll(10, TimeUnit.SECONDS));
        int socketReads = socket.reads.get();

        int again = io.call(() -> reads.read(ByteBuffer.allocate(64)) + reads.read(ByteBuffer.allocate(64)));

        assertEquals(0, again);
        assertEquals(socketReads, socket.reads.get(), "a read went to a socket the last read had emptied");
    }

    @Test
    void bytesArrivingAfterTheSocketWasEmptiedAreReadAtItsNextReadiness() throws Exception {
        reads.resumeReads();
        send("GET /");
        assertEquals("GET /", delivered.poll(10, TimeUnit.SECONDS));
        assertEquals(0, (int) io.call(() -> reads.read(ByteBuffer.allocate(64))));

        send("GET /next");
        assertEquals("GET /next", delivered.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void aBlockingReaderWaitingOnAnEmptiedSocketGetsWhatArrives() throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        assertEquals(0, reads.read(buffer), "the socket is empty at first");
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                send("late");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        // As Undertow's blocking streams read: wait for readiness whenever a read finds nothing.
        while (reads.read(buffer) == 0) {
            reads.awaitReadable();
        }
        sent.get(10, TimeUnit.SECONDS);
        assertEquals("late", new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
    }

    private void send(String text) throws IOException {
        client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
    }

    /** Counts the suspensions and the reads that reach the socket. */
    private static final class Counting extends AbstractStreamSourceConduit<StreamSourceConduit> {
        final AtomicInteger suspends = new AtomicInteger();
        final CountDownLatch suspended = new CountDownLatch(1);
        final AtomicInteger reads = new AtomicInteger();

        Counting(StreamSourceConduit socket) {
            super(socket);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            reads.incrementAndGet();
            return next.read(dst);
        }

        @Override
        public void suspendReads() {
            suspends.incrementAndGet();
            next.suspendReads();
            suspended.countDown();
        }
    }
}
