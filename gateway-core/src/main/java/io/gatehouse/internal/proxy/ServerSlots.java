package io.gatehouse.internal.proxy;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections to one FastCGI server, counted over every IO thread and every pool of this process that connects
 * to it (the files actions of several vhosts, and the pools of the handler tree a reload replaces while it drains).
 * A php-cgi or php-fpm worker serves one connection for as long as it stays open, so a connection opened while every
 * worker holds one waits in the server's listen backlog, behind nothing the gateway can see. With a cap at the
 * workers ({@code max}), the gateway never opens such a connection: a request that finds every slot taken waits
 * here instead, in one first-come first-served queue over all IO threads, for a slot another request frees.
 *
 * <p>A connection belongs to the IO thread that opened it, so a freed slot moves between threads, not the
 * connection: {@link BackendPool} hands a returned connection to a request waiting on the same thread, or closes it
 * and lets the oldest waiter open a new one on its own thread. Idle connections hold their slots; up to
 * {@code maxIdle} are kept, and one is closed when a request on another thread waits for its slot.
 *
 * <p>The fields are guarded by this object's monitor; {@link BackendPool} holds it for every change to them, and to
 * the idle lists of the pools that use this server.
 */
final class ServerSlots {

    /** One per server address, shared by every pool; as many entries as servers were ever configured. */
    private static final Map<URI, ServerSlots> SERVERS = new ConcurrentHashMap<>();

    /** Connections opening, leased or idle, over all threads and pools. */
    int taken;
    /** At most this many taken; {@link Integer#MAX_VALUE} for no cap. */
    int max;
    /** Idle connections, over all threads and pools. */
    int idle;
    int maxIdle;
    /** Requests waiting for a slot, the oldest first (a request sent again after a stale connection goes first). */
    final ArrayDeque<BackendPool.Waiter> queue = new ArrayDeque<>();
    /** The per-thread pools that hold idle connections now: where a slot a waiter needs can be taken back. */
    final Set<BackendPool.PerThread> holdingIdle = new LinkedHashSet<>();

    private ServerSlots() {
    }

    /**
     * The slots of {@code server}, with these limits from now on for every pool of it (a reload that changes them
     * applies them to the tree that drains as well).
     *
     * @param maxConnections at most this many connections open at once, 0 for no cap
     * @param maxIdle        at most this many idle ones kept
     */
    static ServerSlots of(URI server, int maxConnections, int maxIdle) {
        ServerSlots slots = SERVERS.computeIfAbsent(server, ignored -> new ServerSlots());
        synchronized (slots) {
            slots.max = maxConnections > 0 ? maxConnections : Integer.MAX_VALUE;
            slots.maxIdle = maxIdle;
        }
        return slots;
    }
}
