package io.gatehouse.internal.proxy;

import io.undertow.util.WorkerUtils;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Deadlines that all lie the same {@code timeout} after they are set, on one IO thread: the response timeouts (or
 * the read timeouts) of one forwarder's requests on that thread. Set in order, they fall due in order, so a list
 * kept in insertion order is also in deadline order and one IO-thread timer, armed for the earliest, serves them all. Setting and cancelling a
 * deadline is a link and an unlink, where a timer per request costs an insertion into and a removal from the
 * thread's timer tree, on every request.
 *
 * <p>Contract: every method is called on {@code thread}; {@link Entry#expired()} runs there too, no earlier than
 * {@code timeout} after the deadline was set (to the timer's millisecond), once, and never after a cancel. The one
 * timer outlives its entries (a cancel leaves it armed); when it fires with nothing due it re-arms for the new
 * earliest, or not at all.
 */
final class DeadlineQueue {

    /** Something with a deadline; in at most one queue at a time. */
    abstract static class Entry {
        private Entry previous;
        private Entry next;
        private DeadlineQueue queue;
        private long due;

        /** The deadline passed; the entry has left its queue. */
        abstract void expired();

        /** Takes the deadline back; nothing when none is set. */
        final void cancelDeadline() {
            if (queue != null) {
                queue.unlink(this);
            }
        }
    }

    /**
     * The queues of one timeout, one per IO thread, each made on its thread's first deadline: what a forwarder keeps
     * for each of its timeouts. Thread-safe; each queue is used on its own thread only.
     */
    static final class PerThread {
        /** The timeout of every deadline set through this. */
        final long timeoutMillis;
        private final Map<XnioIoThread, DeadlineQueue> queues = new ConcurrentHashMap<>();
        /** Built once: a lambda written in {@link #add} would be a new object per deadline. */
        private final Function<XnioIoThread, DeadlineQueue> newQueue;

        PerThread(long timeoutMillis) {
            this.timeoutMillis = timeoutMillis;
            this.newQueue = thread -> new DeadlineQueue(thread, timeoutMillis);
        }

        /**
         * Sets {@code entry}'s deadline, {@link #timeoutMillis} from now, replacing one it had; when it passes,
         * {@link Entry#expired()} runs on {@code thread}.
         *
         * @param entry  something that waits on {@code thread}
         * @param thread the caller's IO thread
         */
        void add(Entry entry, XnioIoThread thread) {
            queues.computeIfAbsent(thread, newQueue).add(entry);
        }
    }

    private final XnioIoThread thread;
    private final long timeoutNanos;
    private Entry first;
    private Entry last;
    private XnioExecutor.Key timer;

    DeadlineQueue(XnioIoThread thread, long timeoutMillis) {
        this.thread = thread;
        // At most a century: a deadline must not overflow the clock it is added to.
        this.timeoutNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(timeoutMillis), TimeUnit.DAYS.toNanos(36_500));
    }

    /** Sets {@code entry}'s deadline {@code timeout} from now, replacing one it had. */
    void add(Entry entry) {
        entry.cancelDeadline();
        entry.due = System.nanoTime() + timeoutNanos;
        entry.queue = this;
        entry.previous = last;
        if (last == null) {
            first = entry;
        } else {
            last.next = entry;
        }
        last = entry;
        if (timer == null) {
            arm(timeoutNanos);
        }
    }

    private void unlink(Entry entry) {
        if (entry.previous == null) {
            first = entry.next;
        } else {
            entry.previous.next = entry.next;
        }
        if (entry.next == null) {
            last = entry.previous;
        } else {
            entry.next.previous = entry.previous;
        }
        entry.previous = null;
        entry.next = null;
        entry.queue = null;
    }

    private void arm(long delayNanos) {
        // Rounded up: a deadline never fires early.
        long millis = TimeUnit.NANOSECONDS.toMillis(Math.max(0, delayNanos)) + 1;
        // Undertow's helper: once the worker shuts down, no timer is armed and nothing is thrown.
        timer = WorkerUtils.executeAfter(thread, this::fire, millis, TimeUnit.MILLISECONDS);
    }

    private void fire() {
        long now = System.nanoTime();
        try {
            while (first != null && first.due - now <= 0) {
                Entry due = first;
                unlink(due);
                due.expired();
            }
        } finally {
            // Still armed while the entries expire, so that one set meanwhile does not arm a later timer.
            timer = null;
            if (first != null) {
                arm(first.due - System.nanoTime());
            }
        }
    }
}
