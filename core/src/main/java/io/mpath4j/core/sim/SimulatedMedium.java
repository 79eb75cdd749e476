package io.mpath4j.core.sim;

import io.mpath4j.core.Geometry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The in-memory "disk" behind one simulated logical unit. Several {@link SimulatedPath}s to the
 * same unit share one medium, so data written through one path is read through another.
 *
 * <p>Each read or write is atomic with respect to every other one: it holds the locks of all
 * 64 KiB stripes it touches, taken in ascending lock order so that overlapping requests cannot
 * deadlock. Disjoint requests on different stripes run in parallel. (Real SCSI promises no
 * atomicity across blocks; making requests atomic here keeps test outcomes explainable: a block
 * holds the data of one write or another, never a mix.)
 *
 * <p>A test fixture, not a transport: capacity is limited to what one Java array holds.
 */
public final class SimulatedMedium {

    private static final int STRIPE_SHIFT = 16;
    private static final int LOCKS = 64;

    private final byte[] data;
    private final Geometry geometry;
    private final ReentrantReadWriteLock[] locks = new ReentrantReadWriteLock[LOCKS];

    /**
     * @param sizeBytes capacity, a multiple of {@code logicalBlockSize}
     * @param logicalBlockSize a power of two; 1 makes every byte addressable, for tests that do
     *     not care about alignment
     */
    public SimulatedMedium(long sizeBytes, int logicalBlockSize) {
        this.geometry = new Geometry(sizeBytes, logicalBlockSize, logicalBlockSize, 0);
        if (sizeBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("simulated medium limited to 2 GiB, got " + sizeBytes);
        }
        if (sizeBytes % logicalBlockSize != 0) {
            throw new IllegalArgumentException("size " + sizeBytes + " is not a multiple of the block size "
                    + logicalBlockSize);
        }
        this.data = new byte[(int) sizeBytes];
        for (int i = 0; i < LOCKS; i++) {
            locks[i] = new ReentrantReadWriteLock();
        }
    }

    public Geometry geometry() {
        return geometry;
    }

    public long size() {
        return data.length;
    }

    /** True when [offset, offset+length) lies inside the medium and is block aligned. */
    public boolean isValidRange(long offset, long length) {
        int bs = geometry.logicalBlockSize();
        return offset >= 0 && length >= 0 && offset <= data.length && length <= data.length - offset
                && offset % bs == 0 && length % bs == 0;
    }

    /** Copies {@code dst.remaining()} bytes at {@code offset} into {@code dst} without moving its position. */
    public void read(long offset, ByteBuffer dst) {
        int len = dst.remaining();
        checkRange(offset, len);
        int[] held = lock(offset, len, false);
        try {
            dst.put(dst.position(), data, (int) offset, len);
        } finally {
            unlock(held, false);
        }
    }

    /** Copies {@code src.remaining()} bytes from {@code src} to {@code offset} without moving its position. */
    public void write(long offset, ByteBuffer src) {
        int len = src.remaining();
        checkRange(offset, len);
        int[] held = lock(offset, len, true);
        try {
            src.get(src.position(), data, (int) offset, len);
        } finally {
            unlock(held, true);
        }
    }

    /** Writes {@code bytes} at {@code offset}. */
    public void write(long offset, byte[] bytes) {
        write(offset, ByteBuffer.wrap(bytes));
    }

    /** Sets the range to zero. */
    public void zero(long offset, long length) {
        checkRange(offset, length);
        int[] held = lock(offset, length, true);
        try {
            Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
        } finally {
            unlock(held, true);
        }
    }

    /** A copy of the range, for assertions. */
    public byte[] snapshot(long offset, int length) {
        byte[] out = new byte[length];
        read(offset, ByteBuffer.wrap(out));
        return out;
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > data.length || length > data.length - offset) {
            throw new IndexOutOfBoundsException("range [" + offset + ", +" + length + ") outside medium of "
                    + data.length + " bytes");
        }
    }

    /** Locks the stripes of the range in ascending lock index order; returns the indices held. */
    private int[] lock(long offset, long length, boolean exclusive) {
        int[] indices;
        long first = offset >>> STRIPE_SHIFT;
        long last = length == 0 ? first : (offset + length - 1) >>> STRIPE_SHIFT;
        long stripes = last - first + 1;
        if (stripes >= LOCKS) {
            indices = new int[LOCKS];
            for (int i = 0; i < LOCKS; i++) {
                indices[i] = i;
            }
        } else {
            // Fewer than LOCKS consecutive stripes map to distinct indices; sorting gives the order.
            indices = new int[(int) stripes];
            for (int i = 0; i < stripes; i++) {
                indices[i] = (int) ((first + i) % LOCKS);
            }
            Arrays.sort(indices);
        }
        for (int i : indices) {
            if (exclusive) {
                locks[i].writeLock().lock();
            } else {
                locks[i].readLock().lock();
            }
        }
        return indices;
    }

    private void unlock(int[] indices, boolean exclusive) {
        for (int i = indices.length - 1; i >= 0; i--) {
            if (exclusive) {
                locks[indices[i]].writeLock().unlock();
            } else {
                locks[indices[i]].readLock().unlock();
            }
        }
    }
}
