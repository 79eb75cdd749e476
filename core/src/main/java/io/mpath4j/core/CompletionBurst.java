package io.mpath4j.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Completions one thread delivers back to back: typically a transport's receive thread handling
 * every reply that one socket read brought in. A consumer of those completions that has per-I/O
 * work to do on its own resource (an export writing one reply per I/O to its client) can hold that
 * work until the burst ends and then do it once: one gathering socket write for all the replies of
 * the burst, on this thread, instead of one wake-up of another thread (or one syscall) per reply.
 * The block layer's plug, on the completion side.
 *
 * <p>The delivering thread opens a burst with {@link #begin()}, calls {@link #end()} whenever it
 * is about to wait (before each socket read) and {@link #close()} when it stops. A consumer asks
 * {@link #current()} inside a completion and, if it is not null, {@link #hold}s its item there;
 * each sink then gets its items in order, on the delivering thread, at the next {@link #end()}.
 * Threads without a burst get null from {@link #current()}: consumers then do the work at once.
 * Not thread-safe: a burst belongs to the thread that opened it.
 */
public final class CompletionBurst {

    /** Receives the items held for it during one burst; must not block for long and must not throw. */
    @FunctionalInterface
    public interface Sink<T> {
        void flush(List<T> items);
    }

    private static final ThreadLocal<CompletionBurst> CURRENT = new ThreadLocal<>();

    // Usually one or two sinks per burst (the export connections of the I/Os just completed):
    // parallel arrays searched by identity beat a map here.
    private Sink<?>[] sinks = new Sink<?>[4];
    private ArrayList<?>[] items = new ArrayList<?>[4];
    private int count;

    private CompletionBurst() {
    }

    /** Opens a burst on the calling thread (replacing any burst it had). */
    public static CompletionBurst begin() {
        CompletionBurst b = new CompletionBurst();
        CURRENT.set(b);
        return b;
    }

    /** The calling thread's burst, or null if it delivers completions without one. */
    public static CompletionBurst current() {
        return CURRENT.get();
    }

    /** Holds {@code item} for {@code sink} (compared by identity) until {@link #end()}. */
    @SuppressWarnings("unchecked")
    public <T> void hold(Sink<T> sink, T item) {
        for (int i = 0; i < count; i++) {
            if (sinks[i] == sink) {
                ((ArrayList<T>) items[i]).add(item);
                return;
            }
        }
        if (count == sinks.length) {
            sinks = java.util.Arrays.copyOf(sinks, count * 2);
            items = java.util.Arrays.copyOf(items, count * 2);
        }
        ArrayList<T> list = (ArrayList<T>) items[count];
        if (list == null) {
            list = new ArrayList<>();
            items[count] = list;
        }
        list.add(item);
        sinks[count++] = sink;
    }

    /** True if something is held. */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Hands every sink its items. All sinks are flushed even if one throws; the first exception is
     * rethrown afterwards. Items held by a sink's flush go out in the same call.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void end() {
        RuntimeException first = null;
        while (count > 0) {
            int n = count;
            // Take the lists out first, so that a sink holding new items (re-entrantly) starts new ones.
            Sink<?>[] s = java.util.Arrays.copyOf(sinks, n);
            ArrayList<?>[] l = java.util.Arrays.copyOf(items, n);
            java.util.Arrays.fill(sinks, 0, n, null);
            java.util.Arrays.fill(items, 0, n, null);
            count = 0;
            for (int i = 0; i < n; i++) {
                try {
                    ((Sink) s[i]).flush(l[i]);
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
                l[i].clear();
                if (items[i] == null) {
                    items[i] = l[i]; // reuse the list next time
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Ends the burst and detaches it from the calling thread. */
    public void close() {
        try {
            end();
        } finally {
            if (CURRENT.get() == this) {
                CURRENT.remove();
            }
        }
    }
}
