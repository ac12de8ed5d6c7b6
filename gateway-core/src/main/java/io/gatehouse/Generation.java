package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.internal.tls.ServerTls;
import io.undertow.server.HttpHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One configuration's handler trees (one root per listener, sharing the vhost actions) and the resources they hold,
 * with a count of their users so that the resources are closed only when nothing uses them any more.
 *
 * <p>The count starts at one, held by the owner ({@link Gateway} or {@link GatewayHandler}) while the generation is
 * current. Each request
 * {@linkplain #tryAcquire() acquires} the generation it started under and releases it when its exchange completes,
 * so a request that began before a reload finishes under the configuration it began with. A listener that is being
 * removed holds one more until it has drained. {@link #retire()} gives back the gateway's share; when the count
 * reaches zero {@link #drained()} completes, and once zero it can never be acquired again.
 */
final class Generation {

    /** Which roots a generation builds. */
    enum Roots {
        /** One per listener, serving the vhosts bound to it: for a {@link Gateway}'s own listeners. */
        PER_LISTENER,
        /** One serving every vhost, whatever its listeners: for a {@link GatewayHandler} mounted in another server. */
        MOUNTED
    }

    private final GatewayConfig config;
    private final HandlerTree tree;
    private final Map<ListenAddress, HttpHandler> roots = new LinkedHashMap<>();
    /** The root of a {@link Roots#MOUNTED} generation; null otherwise. */
    private final HttpHandler mounted;
    private final AtomicInteger users = new AtomicInteger(1);
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Builds the {@code roots} of {@code config}, logging repeated events in the owner's {@code logs}; {@code previous}
     * (may be null) lends resources that did not change, such as an access log on the same file; nothing of
     * {@code previous} changes.
     *
     * @throws java.io.UncheckedIOException when the access log cannot be opened, or a certificate of the tls
     *                                      listeners cannot be read (the message names the file)
     */
    Generation(GatewayConfig config, GatewayOptions options, GatewayLogs logs, Generation previous, Roots roots) {
        this.config = config;
        this.tree = new HandlerTree(config, options, logs, previous == null ? null : previous.tree);
        if (roots == Roots.MOUNTED) {
            this.mounted = tree.rootForAll();
        } else {
            this.mounted = null;
            for (ListenAddress listener : config.allListeners()) {
                this.roots.put(listener, tree.rootFor(listener));
            }
        }
    }

    /** This generation starts serving: at start, or when the reload that built it commits. */
    void committed() {
        tree.committed();
    }

    GatewayConfig config() {
        return config;
    }

    /**
     * The TLS of one of this configuration's tls listeners: the certificates of its vhosts as read when this
     * generation was built, so a reload serves renewed ones to new connections.
     *
     * @param listener a tls listener of this configuration
     * @return its server TLS, or null when it is not one
     */
    ServerTls tls(ListenAddress listener) {
        return tree.tls(listener);
    }

    /** The tree serving {@code listener}, or null when this configuration does not have that listener. */
    HttpHandler rootFor(ListenAddress listener) {
        return roots.get(listener);
    }

    /** The tree serving every vhost, for a {@link Roots#MOUNTED} generation. */
    HttpHandler mountedRoot() {
        return mounted;
    }

    /** Counts one more user; false, changing nothing, when the generation has already drained. */
    boolean tryAcquire() {
        while (true) {
            int count = users.get();
            if (count == 0) {
                return false;
            }
            if (users.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /** Gives back one use; the last one completes {@link #drained()}. Never blocks, so it may run on an IO thread. */
    void release() {
        if (users.decrementAndGet() == 0) {
            drained.complete(null);
        }
    }

    /** Gives back the share the owner held while this generation was current. */
    void retire() {
        release();
    }

    /** Completes when every user has released the generation. */
    CompletableFuture<Void> drained() {
        return drained;
    }

    /** Reopens the access log file by name, for log rotation. */
    void reopenAccessLog() {
        tree.reopenAccessLog();
    }

    /** Closes the backend pools and the access log (unless a later generation took it over); once only. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            tree.close();
        }
    }
}
