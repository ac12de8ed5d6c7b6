package io.gatehouse;

import io.undertow.Undertow;
import io.undertow.UndertowLogger;
import io.undertow.server.handlers.HostHeaderHandler;
import io.undertow.util.Cookies;
import io.undertow.util.DateUtils;
import org.xnio.Xnio;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Start-up tuning behind {@link Gateway#preload()}: XNIO loaded on a background thread, then the static
 * initialisers a first request would otherwise run on an IO thread. None of it is needed for correctness; a gateway
 * started without it loads XNIO itself.
 *
 * <p>The one static field, the loading task, is JVM-wide (per class loader) by nature, as what it loads is: XNIO's
 * provider is one per class loader ({@link Xnio#getInstance} caches it), and a class is initialised once. It holds
 * no gateway's state and no thread once loaded. Only a gateway that creates its own worker reads it
 * ({@link #xnio()}); a gateway on the application's worker and a mounted handler never do, so none of them waits on
 * a preload or meets its failure.
 */
final class Preload {

    private static final Logger LOG = System.getLogger(Preload.class.getName());

    /**
     * Undertow's classes whose static initialisers cost the most in the first request a gateway serves: 26 of its
     * 76 ms of CPU in a profile of the daemon's first proxied request (bench/NOTES.md, 2026-12-03). Undertow
     * initialises them on the IO thread, while the client waits: {@code Cookies} links a string concatenation,
     * {@code DateUtils} reads the JDK's time-zone database, {@code UndertowLogger} builds its message logger,
     * {@code HostHeaderHandler} compiles two regular expressions.
     */
    private static final List<Class<?>> FIRST_REQUEST_CLASSES =
            List.of(Cookies.class, DateUtils.class, UndertowLogger.class, HostHeaderHandler.class);

    /** XNIO being loaded, or loaded, by the first {@link #start}; null until it is called. */
    private static final AtomicReference<FutureTask<Xnio>> PRELOADING = new AtomicReference<>();

    private Preload() {
    }

    /** See {@link Gateway#preload()}. Only the first call starts anything: what it loads stays loaded. */
    static void start() {
        FutureTask<Xnio> loading = new FutureTask<>(Preload::loadXnio);
        if (!PRELOADING.compareAndSet(null, loading)) {
            return;
        }
        Thread loader = new Thread(() -> {
            loading.run();
            try {
                loading.get();
            } catch (ExecutionException | InterruptedException e) {
                return; // xnio() throws the failure
            }
            FIRST_REQUEST_CLASSES.forEach(Preload::initialise);
        }, "gatehouse-preload");
        loader.setDaemon(true);
        loader.start();
    }

    /**
     * XNIO: the one {@link #start} is loading, once it is loaded, or, without a preload, loaded now. When the preload
     * failed, throws its failure (an {@code Error} or {@code RuntimeException}).
     */
    static Xnio xnio() {
        FutureTask<Xnio> loading = PRELOADING.get();
        if (loading != null) {
            try {
                return loading.get();
            } catch (ExecutionException e) {
                // The loader's own failure, rather than the bare NoClassDefFoundError a second attempt would meet.
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return loadXnio();
    }

    /**
     * A failure is logged in one line with its cause: the request that meets the class next gets only a bare
     * {@code NoClassDefFoundError}.
     */
    private static void initialise(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(Level.WARNING, "initialising " + type.getName() + " failed: " + (e.getCause() != null ? e.getCause() : e));
        }
    }

    private static Xnio loadXnio() {
        return Xnio.getInstance(Undertow.class.getClassLoader());
    }
}
