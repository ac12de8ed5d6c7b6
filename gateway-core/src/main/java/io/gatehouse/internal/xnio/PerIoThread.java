package io.gatehouse.internal.xnio;

import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One value per IO thread of one XNIO worker, held by its owner rather than by the threads. A {@link ThreadLocal}
 * would attach each value to the thread itself, where it stays for as long as the thread lives: when the worker is the
 * application's, its threads outlive the gateway, and so would the gateway's buffers on them. Here the values go
 * with {@link #release()}, or with the owner.
 *
 * <p>Each IO thread has its own slot (by {@link XnioIoThread#getNumber()}), which only that thread reads or writes,
 * so {@link #get()} takes no lock: a volatile read, a type test and an array index, cheaper than a thread-local's
 * hash lookup.
 *
 * @param <T> the value; not shared between threads, so it need not be thread-safe
 */
public final class PerIoThread<T> {

    private final XnioWorker worker;
    private final Supplier<? extends T> initial;
    private final Object[] values;
    private volatile boolean released;

    /**
     * Values for the IO threads of {@code worker}, none made yet.
     *
     * @param worker  whose IO threads get a value each
     * @param initial makes a thread's value on its first {@link #get()}, on that thread
     */
    public PerIoThread(XnioWorker worker, Supplier<? extends T> initial) {
        this.worker = worker;
        this.initial = initial;
        this.values = new Object[worker.getIoThreadCount()];
    }

    /**
     * The calling thread's value, made on its first call; null when the caller is not an IO thread of the worker
     * (a task thread, another worker's IO thread), or after {@link #release()}.
     *
     * @return the value, only ever handed to this thread; or null
     */
    @SuppressWarnings("unchecked")
    public T get() {
        if (released || !(Thread.currentThread() instanceof XnioIoThread thread) || thread.getWorker() != worker) {
            return null;
        }
        int slot = thread.getNumber();
        if (slot >= values.length) {
            // XNIO numbers its accept thread after the IO threads; it holds no slot.
            return null;
        }
        Object value = values[slot];
        if (value == null) {
            value = initial.get();
            values[slot] = value;
            if (released) {
                // A release ran meanwhile: the value is this call's alone, and nothing keeps it.
                values[slot] = null;
            }
        }
        return (T) value;
    }

    /**
     * Drops every value, for the garbage collector; {@link #get()} returns null from now on. A thread using its
     * value at that moment finishes with it; nothing is closed or cleared.
     */
    public void release() {
        released = true;
        Arrays.fill(values, null);
    }
}
