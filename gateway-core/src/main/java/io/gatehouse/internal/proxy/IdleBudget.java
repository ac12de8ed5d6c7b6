package io.gatehouse.internal.proxy;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many idle connections to one FastCGI server may be kept open, counted over every IO thread and every pool of
 * this process that connects to it: the files actions of several vhosts, and the pools of the handler tree a reload
 * replaces while it drains. A php-cgi or php-fpm worker serves one connection for as long as it stays open, so each
 * idle connection pins a worker; a count per IO thread (as {@link BackendPool} keeps for HTTP backends) would let
 * the threads together pin every worker, and a request on another thread would then wait in the server's listen
 * backlog until an idle connection timed out. With fewer idle connections than workers, at least one worker always
 * takes new connections. Thread-safe.
 */
final class IdleBudget {

    /** One count per server address, shared by every pool; as many entries as servers were ever configured. */
    private static final Map<URI, AtomicInteger> KEPT = new ConcurrentHashMap<>();

    private final AtomicInteger kept;
    private final int max;

    private IdleBudget(AtomicInteger kept, int max) {
        this.kept = kept;
        this.max = max;
    }

    /**
     * The budget of {@code server}: at most {@code max} idle connections to it, counting those every other budget
     * of the same server keeps.
     *
     * @param server the FastCGI server, as its pool names it
     * @param max    at most this many idle, 0 for none
     */
    static IdleBudget of(URI server, int max) {
        return new IdleBudget(KEPT.computeIfAbsent(server, ignored -> new AtomicInteger()), max);
    }

    /** Takes a place for one more idle connection; false when all {@code max} are taken. */
    boolean tryKeep() {
        while (true) {
            int now = kept.get();
            if (now >= max) {
                return false;
            }
            if (kept.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A connection kept by {@link #tryKeep()} is idle no more (taken for a request, or closed). */
    void left() {
        kept.decrementAndGet();
    }

    /** @return the idle connections kept now, by every pool of the server */
    int kept() {
        return kept.get();
    }
}
