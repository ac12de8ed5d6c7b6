package io.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on raw sockets that records exactly the bytes of each request head it receives, reads the body by its
 * framing, then behaves as told: answer with fixed bytes, reset the connection, or never answer.
 */
public final class RawBackend implements AutoCloseable {

    /** What the backend does once it has read a request. */
    public interface Behaviour {
        /** @return true to keep reading requests on this connection */
        boolean respond(Socket socket) throws IOException;
    }

    /** Reads a request body its own way (for tests that watch the body arrive). */
    public interface BodyReader {
        void read(Socket socket, InputStream in) throws IOException;
    }

    public record Received(String head, byte[] body) {
    }

    public static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final BodyReader bodyReader;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger endedByPeer = new AtomicInteger();
    /** Connections accepted whose conversation has not ended yet; guarded by {@code this}, notified when it drops. */
    private int open;

    private RawBackend(Behaviour behaviour, BodyReader bodyReader) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.behaviour = behaviour;
        this.bodyReader = bodyReader;
        Thread acceptor = new Thread(this::acceptLoop, "raw-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static RawBackend answering(String response) throws IOException {
        return new RawBackend(socket -> answer(socket, response), null);
    }

    /** Writes {@code response} on {@code socket}; true, to keep reading requests (a {@link Behaviour}'s answer). */
    public static boolean answer(Socket socket, String response) throws IOException {
        socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return true;
    }

    public static RawBackend resettingBeforeResponse() throws IOException {
        return new RawBackend(socket -> {
            socket.setSoLinger(true, 0);
            socket.close();
            return false;
        }, null);
    }

    public static RawBackend neverAnswering() throws IOException {
        return new RawBackend(socket -> {
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            return false;
        }, null);
    }

    public static RawBackend with(Behaviour behaviour) throws IOException {
        return new RawBackend(behaviour, null);
    }

    public static RawBackend with(Behaviour behaviour, BodyReader bodyReader) throws IOException {
        return new RawBackend(behaviour, bodyReader);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next request received, waiting up to 10 s; fails the test when none came. */
    public Received next() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the backend received no request");
        }
        return r;
    }

    /** True when no request arrived at all (checked after the client already has its answer). */
    public boolean receivedNothing() {
        return received.isEmpty() && connections.get() == 0;
    }

    /** True when no request was received in full, head and body (a connection may have been opened). */
    public boolean completedNoRequest() {
        return received.isEmpty();
    }

    /**
     * Waits until every connection this backend accepted has ended. Call it once the proxy has let go of its side (a
     * stopped gateway closes every backend connection; a closed client connection ends what a proxy was relaying
     * for it): then everything the proxy ever wrote on any connection has been read and recorded, so a request
     * that arrives late still counts, which no sleep before {@link #completedNoRequest()} can promise.
     *
     * @throws AssertionError when a connection is still open after 10 s (the proxy kept it)
     */
    public void awaitEveryConnectionEnded() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (this) {
            while (open > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(open + " backend connection(s) still open 10 s after the proxy let go");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** Every request received in full so far, removed from the record (for tests that compare servers). */
    public java.util.List<Received> drain() {
        java.util.List<Received> all = new java.util.ArrayList<>();
        received.drainTo(all);
        return all;
    }

    public int connectionsAccepted() {
        return connections.get();
    }

    /** Waits up to 10 s until {@code count} connections have been closed by the other side between requests. */
    public boolean awaitConnectionsEndedByPeer(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (endedByPeer.get() < count) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                synchronized (this) {
                    open++;
                }
                Thread handler = new Thread(() -> serve(socket), "raw-backend-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    endedByPeer.incrementAndGet();
                    return;
                }
                if (bodyReader != null) {
                    bodyReader.read(socket, in);
                    received.add(new Received(head, new byte[0]));
                } else {
                    received.add(new Received(head, readBody(in, head)));
                }
                if (!behaviour.respond(socket)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The proxy closed or reset the connection: that ends this conversation.
        } finally {
            synchronized (this) {
                open--;
                notifyAll();
            }
        }
    }

    /** The bytes up to and including the blank line, as ISO-8859-1, or null at end of stream. */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    public static byte[] readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\r\ntransfer-encoding: chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        }
        int at = lower.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return new byte[0];
        }
        int end = lower.indexOf("\r\n", at + 2);
        long length = Long.parseLong(lower.substring(at + "\r\ncontent-length:".length(), end).trim());
        return in.readNBytes((int) length);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
