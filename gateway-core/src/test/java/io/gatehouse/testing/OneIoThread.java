package io.gatehouse.testing;

import io.undertow.Undertow;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A real XNIO worker with one IO thread, for tests of parts that must run on an IO thread. */
public final class OneIoThread implements AutoCloseable {

    private final XnioWorker worker;

    public OneIoThread() throws IOException {
        worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    }

    public XnioWorker worker() {
        return worker;
    }

    public XnioIoThread thread() {
        return worker.getIoThread();
    }

    /** Runs {@code task} on the IO thread and returns its result; what it throws is thrown here. */
    public <T> T call(Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread().execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }

    /** Runs {@code task} on the IO thread and waits for it. */
    public void run(Runnable task) throws Exception {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** Waits until the IO thread has run what was queued before, the selector's pending readiness included. */
    public void settle() throws Exception {
        for (int turn = 0; turn < 3; turn++) {
            run(() -> {
            });
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
