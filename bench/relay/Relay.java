import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The least a proxy on the JVM can do, as a yardstick for Gatehouse (bench/cost-per-request.sh runs it): each client
 * connection gets a backend connection of its own, and bytes are relayed in both directions with java.nio, one
 * selector thread per CPU, no HTTP parsing, no header added, nothing pooled. What it costs per request is what the
 * JVM and the JDK's socket and selector code cost; everything Gatehouse costs above it is HTTP processing.
 *
 * <p>Not a proxy to use: it relays one direction at a time (enough for request-response traffic) and closes a pair
 * on the first error. Run it as a single source file: {@code java bench/relay/Relay.java LISTEN_PORT BACKEND_PORT}.
 */
public final class Relay {

    /** One direction of a client-backend pair, with the buffer its bytes pass through. */
    private static final class Direction {
        final SocketChannel from;
        final SocketChannel to;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(16 * 1024);
        Direction reverse;

        Direction(SocketChannel from, SocketChannel to) {
            this.from = from;
            this.to = to;
        }
    }

    private static final class Loop extends Thread {
        final Selector selector = Selector.open();
        final Queue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
        final InetSocketAddress backend;

        Loop(InetSocketAddress backend) throws IOException {
            this.backend = backend;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    selector.select();
                    for (SocketChannel client; (client = accepted.poll()) != null; ) {
                        pair(client);
                    }
                    Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                    while (ready.hasNext()) {
                        SelectionKey key = ready.next();
                        ready.remove();
                        Direction direction = (Direction) key.attachment();
                        try {
                            if (key.isValid() && key.isReadable() && direction.from.read(direction.buffer) < 0) {
                                throw new IOException("end of stream");
                            }
                            if (key.isValid()) {
                                forward(direction);
                            }
                        } catch (IOException e) {
                            close(direction);
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void pair(SocketChannel client) {
            try {
                SocketChannel server = SocketChannel.open(backend);
                for (SocketChannel channel : new SocketChannel[] {client, server}) {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                Direction up = new Direction(client, server);
                Direction down = new Direction(server, client);
                up.reverse = down;
                down.reverse = up;
                client.register(selector, SelectionKey.OP_READ, up);
                server.register(selector, SelectionKey.OP_READ, down);
            } catch (IOException e) {
                close(new Direction(client, client));
            }
        }

        /** Writes what the buffer holds; until it is all out, the sending side waits and the receiving side writes. */
        private void forward(Direction direction) throws IOException {
            direction.buffer.flip();
            direction.to.write(direction.buffer);
            SelectionKey fromKey = direction.from.keyFor(selector);
            SelectionKey toKey = direction.to.keyFor(selector);
            if (direction.buffer.hasRemaining()) {
                direction.buffer.compact();
                fromKey.interestOps(0);
                toKey.attach(direction);
                toKey.interestOps(SelectionKey.OP_WRITE);
            } else {
                direction.buffer.clear();
                fromKey.interestOps(SelectionKey.OP_READ);
                if (toKey.attachment() != direction.reverse) {
                    toKey.attach(direction.reverse);
                    toKey.interestOps(SelectionKey.OP_READ);
                }
            }
        }

        private static void close(Direction direction) {
            try (SocketChannel from = direction.from; SocketChannel to = direction.to) {
                // closed by try-with-resources
            } catch (IOException ignored) {
                // already failing: nothing more to do
            }
        }
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress backend = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        Loop[] loops = new Loop[Runtime.getRuntime().availableProcessors()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new Loop(backend);
            loops[i].start();
        }
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 4096);
            for (int next = 0; ; next = (next + 1) % loops.length) {
                SocketChannel client = listener.accept();
                loops[next].accepted.add(client);
                loops[next].selector.wakeup();
            }
        }
    }
}
