package io.mpath4j.iscsi.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * Outstanding tasks by Initiator Task Tag (RFC 7143 §11.2.1.8: the ITT is the initiator's to
 * choose, unique among its outstanding tasks). An ITT is a slot index (low 16 bits) and that slot's
 * generation (high 16 bits), so a lookup is an array load and a compare, with no boxing and no
 * hashing, and a late PDU for a finished task whose slot was reused does not find the new task
 * (its generation differs).
 *
 * <p>Slot {@value #CONTROL_SLOT} is never handed out: ITTs ending in {@code ffff} belong to
 * {@link #controlItt} (task management requests, NOP-Out pings), so they never collide with a task,
 * and 0xffffffff (the reserved tag) is never produced at all. At most {@value #CONTROL_SLOT} tasks
 * can be outstanding (queued or sent) at once.
 *
 * <p>{@link #add} and {@link #remove} must be called under one lock of the owner's (the session's
 * lock); {@link #get}, {@link #size} and {@link #snapshot} may be called from any thread without it.
 * Freed slots are reused most recently freed first (their task and buffers are likely still cached).
 */
final class TaskTable<T extends TaskTable.Tagged> {

    /** An entry: knows its own ITT. */
    interface Tagged {
        int itt();
    }

    static final int CONTROL_SLOT = 0xffff;
    private static final int INITIAL = 64;

    private volatile AtomicReferenceArray<T> slots = new AtomicReferenceArray<>(INITIAL);
    private int[] generations = new int[INITIAL]; // guarded by the owner's lock
    private int[] free = new int[INITIAL]; // stack of free slot indexes; guarded by the owner's lock
    private int freeCount;
    private int used; // slots ever handed out (the array's high-water mark)
    private volatile int size;
    private int controlGeneration; // guarded by controlLock
    private final Object controlLock = new Object();

    /**
     * Registers the task {@code make} builds for a fresh ITT; null if {@value #CONTROL_SLOT} tasks
     * are outstanding already. Call under the owner's lock.
     */
    T add(IntFunction<T> make) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else if (used < CONTROL_SLOT) {
            slot = used++;
            if (slot == slots.length()) {
                grow();
            }
        } else {
            return null;
        }
        int gen = generations[slot] = (generations[slot] + 1) & 0xffff;
        int itt = gen << 16 | slot;
        T t = make.apply(itt);
        if (t.itt() != itt) {
            throw new IllegalStateException("task built with ITT " + t.itt() + " instead of " + itt);
        }
        slots.setRelease(slot, t);
        size++;
        return t;
    }

    private void grow() {
        AtomicReferenceArray<T> old = slots;
        int n = Math.min(old.length() * 2, CONTROL_SLOT);
        AtomicReferenceArray<T> bigger = new AtomicReferenceArray<>(n);
        for (int i = 0; i < old.length(); i++) {
            bigger.setPlain(i, old.getPlain(i));
        }
        generations = java.util.Arrays.copyOf(generations, n);
        free = java.util.Arrays.copyOf(free, n);
        slots = bigger; // volatile write publishes the copied entries
    }

    /** The task with this ITT, or null (never registered, or removed). Any thread. */
    T get(int itt) {
        int slot = itt & 0xffff;
        AtomicReferenceArray<T> a = slots;
        if (slot >= a.length()) {
            return null;
        }
        T t = a.getAcquire(slot);
        return t != null && t.itt() == itt ? t : null;
    }

    /** Removes {@code t} if it is still registered; false otherwise. Call under the owner's lock. */
    boolean remove(T t) {
        int slot = t.itt() & 0xffff;
        AtomicReferenceArray<T> a = slots;
        if (slot >= a.length() || a.getPlain(slot) != t) {
            return false;
        }
        a.setRelease(slot, null);
        free[freeCount++] = slot;
        size--;
        return true;
    }

    /** Registered tasks. Any thread. */
    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The registered tasks at about this moment (a copy). Any thread. */
    List<T> snapshot() {
        AtomicReferenceArray<T> a = slots;
        List<T> out = new ArrayList<>(Math.max(size, 0));
        for (int i = 0; i < a.length(); i++) {
            T t = a.getAcquire(i);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * A fresh ITT for a PDU that is not a task of this table (TMF request, NOP-Out ping): slot
     * {@value #CONTROL_SLOT} with a generation that cycles through 0..0xfffe, so it is never a task's
     * ITT nor the reserved tag. Any thread.
     */
    int controlItt() {
        synchronized (controlLock) {
            int gen = controlGeneration;
            controlGeneration = gen == 0xfffe ? 0 : gen + 1;
            return gen << 16 | CONTROL_SLOT;
        }
    }
}
