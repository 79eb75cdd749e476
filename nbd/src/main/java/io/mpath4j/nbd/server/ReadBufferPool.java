package io.mpath4j.nbd.server;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers for read replies, reused. A read's buffer is filled by the device and then
 * written to the socket; a direct buffer spares the JDK's copy into a temporary direct buffer on
 * that write (and, when the device is an {@code NbdPath}, the same copy on the socket read that
 * fills it), and reuse spares the zeroing of a fresh heap array and the garbage (1 MiB reads at
 * 2 GB/s are 2 GB/s of allocation otherwise).
 *
 * <p>Buffers come in power-of-two capacities from {@link #MIN_CLASS} up; {@link #take} returns one
 * with position 0 and limit the requested length. {@link #give} takes it back once the reply was
 * written; a buffer that is never given back (a failed read, a closed connection) is simply left to
 * the garbage collector. The pool keeps at most {@code maxRetainedBytes} of idle buffers.
 */
final class ReadBufferPool {

    static final int MIN_SHIFT = 12;
    static final int MIN_CLASS = 1 << MIN_SHIFT;
    /** Reads up to 2^(MIN_SHIFT + CLASSES - 1) = 32 MiB are pooled; larger ones are allocated. */
    private static final int CLASSES = 14;

    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedQueue<ByteBuffer>[] free = new ConcurrentLinkedQueue[CLASSES];
    private final AtomicLong retained = new AtomicLong();
    private final long maxRetainedBytes;

    ReadBufferPool(long maxRetainedBytes) {
        this.maxRetainedBytes = maxRetainedBytes;
        for (int i = 0; i < CLASSES; i++) {
            free[i] = new ConcurrentLinkedQueue<>();
        }
    }

    /** A buffer of exactly {@code length} remaining bytes (position 0), contents undefined. */
    ByteBuffer take(int length) {
        int c = classOf(length);
        if (c >= CLASSES) {
            return ByteBuffer.allocateDirect(length);
        }
        ByteBuffer b = free[c].poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(MIN_CLASS << c);
        } else {
            retained.addAndGet(-b.capacity());
        }
        return b.clear().limit(length);
    }

    /** Gives back a buffer from {@link #take}; the caller no longer uses it. */
    void give(ByteBuffer b) {
        int cap = b.capacity();
        int c = classOf(cap);
        if (c >= CLASSES || (MIN_CLASS << c) != cap || !b.isDirect()) {
            return; // not one of ours: left to the GC
        }
        if (retained.addAndGet(cap) > maxRetainedBytes) {
            retained.addAndGet(-cap);
            return;
        }
        free[c].offer(b);
    }

    /** Index of the smallest class holding {@code length} bytes. */
    static int classOf(int length) {
        if (length <= MIN_CLASS) {
            return 0;
        }
        return 32 - Integer.numberOfLeadingZeros(length - 1) - MIN_SHIFT;
    }
}
