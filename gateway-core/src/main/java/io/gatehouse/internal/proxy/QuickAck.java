package io.gatehouse.internal.proxy;

import io.gatehouse.internal.xnio.PrivateAccess;
import jdk.net.ExtendedSocketOptions;
import org.xnio.StreamConnection;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * Makes a TCP connection acknowledge what arrives at once for the next response ({@code TCP_QUICKACK}, Linux).
 *
 * <p>Why: php-cgi and php-fpm write their records without {@code TCP_NODELAY}, so a record written after a large one
 * (the rest of a 64 KiB {@code echo}, then {@code FCGI_END_REQUEST}) waits in their kernel until the gateway
 * acknowledges the large one. A kept connection that carries request after response is in Linux's "ping-pong" mode,
 * which delays that acknowledgement for up to 40 ms, hoping to send it with the next request: with kept FastCGI
 * connections a 64 KiB PHP response took 4-5 ms on average and 40 ms at the 99th percentile, and requests/s fell to
 * a fifth. A new connection starts in quick-ACK mode, which is why a connection per request never showed it.
 * Setting {@code TCP_QUICKACK} once the request is written leaves ping-pong mode for that response; sending the next
 * request may enter it again, so it is set per request.
 *
 * <p>XNIO keeps the {@link SocketChannel} of its TCP connections to itself; it is found once by reflection. Where
 * that or the option is unavailable (another XNIO, another OS, a Unix socket, which has no acknowledgements), this
 * does nothing: the responses are only slower (a missing channel is said once, at DEBUG: {@link PrivateAccess}).
 * Thread-safe.
 */
final class QuickAck {

    private static final String XNIO_TCP_CONNECTION = "org.xnio.nio.NioSocketStreamConnection";
    private static final MethodHandle SOCKET_CHANNEL = socketChannelAccess();
    /** Cleared for good when the platform refuses the option. */
    private static volatile boolean supported = SOCKET_CHANNEL != null;

    private QuickAck() {
    }

    /**
     * Asks for immediate acknowledgements of what {@code connection} receives next, when it is an XNIO TCP
     * connection on a platform that has the option; nothing otherwise. Never throws.
     *
     * @param connection a connection to a backend, on its IO thread
     */
    static void request(StreamConnection connection) {
        if (!supported || !connection.getClass().getName().equals(XNIO_TCP_CONNECTION)) {
            return;
        }
        try {
            ((SocketChannel) SOCKET_CHANNEL.invoke(connection)).setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (UnsupportedOperationException e) {
            supported = false;
        } catch (IOException e) {
            // A closed connection: its request fails on its own.
        } catch (Throwable e) {
            supported = false;
        }
    }

    private static MethodHandle socketChannelAccess() {
        return PrivateAccess.find(QuickAck.class, "XNIO's NioSocketStreamConnection.getChannel()",
                "TCP_QUICKACK is not set on backend connections, so a FastCGI response may wait up to 40 ms for "
                        + "a delayed acknowledgement",
                () -> {
                    Method method = Class.forName(XNIO_TCP_CONNECTION).getDeclaredMethod("getChannel");
                    method.setAccessible(true);
                    return MethodHandles.lookup().unreflect(method);
                });
    }
}
