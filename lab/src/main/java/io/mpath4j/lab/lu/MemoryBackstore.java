package io.mpath4j.lab.lu;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A sparse memory store in fixed chunks allocated on first write: a large thin LU costs only
 * what was written, and UNMAP of a whole chunk gives its memory back.
 */
public final class MemoryBackstore implements Backstore {

    /** Chunk length: also the optimal unmap granularity the LU advertises. */
    static final int CHUNK = 256 * 1024;

    private final int blockSize;
    private volatile long size;
    private volatile AtomicReferenceArray<byte[]> chunks;

    MemoryBackstore(long bytes, int blockSize) {
        this.blockSize = blockSize;
        this.size = Backstore.checkSize(bytes, blockSize);
        this.chunks = new AtomicReferenceArray<>(chunkCount(bytes));
    }

    private static int chunkCount(long bytes) {
        long n = (bytes + CHUNK - 1) / CHUNK;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("memory backstore too large: " + bytes + " bytes");
        }
        return (int) n;
    }

    public int blockSize() {
        return blockSize;
    }

    public long size() {
        return size;
    }

    public void read(long offset, ByteBuffer dst) {
        AtomicReferenceArray<byte[]> c = chunks;
        long pos = offset;
        while (dst.hasRemaining()) {
            int idx = (int) (pos / CHUNK);
            int in = (int) (pos % CHUNK);
            int n = Math.min(dst.remaining(), CHUNK - in);
            byte[] chunk = c.get(idx);
            if (chunk == null) {
                for (int i = 0; i < n; i++) {
                    dst.put((byte) 0);
                }
            } else {
                dst.put(chunk, in, n);
            }
            pos += n;
        }
    }

    public void write(long offset, ByteBuffer src) {
        AtomicReferenceArray<byte[]> c = chunks;
        long pos = offset;
        while (src.hasRemaining()) {
            int idx = (int) (pos / CHUNK);
            int in = (int) (pos % CHUNK);
            int n = Math.min(src.remaining(), CHUNK - in);
            byte[] chunk = c.get(idx);
            if (chunk == null) {
                c.compareAndSet(idx, null, new byte[CHUNK]);
                chunk = c.get(idx);
            }
            src.get(chunk, in, n);
            pos += n;
        }
    }

    public void unmap(long offset, long length) {
        AtomicReferenceArray<byte[]> c = chunks;
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int idx = (int) (pos / CHUNK);
            int in = (int) (pos % CHUNK);
            int n = (int) Math.min(end - pos, CHUNK - in);
            if (n == CHUNK) {
                c.set(idx, null);
            } else {
                byte[] chunk = c.get(idx);
                if (chunk != null) {
                    java.util.Arrays.fill(chunk, in, in + n, (byte) 0);
                }
            }
            pos += n;
        }
    }

    public boolean deallocated(long offset, long length) {
        AtomicReferenceArray<byte[]> c = chunks;
        for (long pos = offset - offset % CHUNK; pos < offset + length; pos += CHUNK) {
            if (c.get((int) (pos / CHUNK)) != null) {
                return false;
            }
        }
        return true;
    }

    public void flush() {
        // memory is as durable as it gets
    }

    public synchronized void resize(long bytes) {
        Backstore.checkSize(bytes, blockSize);
        AtomicReferenceArray<byte[]> old = chunks;
        AtomicReferenceArray<byte[]> grown = new AtomicReferenceArray<>(chunkCount(bytes));
        for (int i = 0; i < Math.min(old.length(), grown.length()); i++) {
            grown.set(i, old.get(i));
        }
        if (bytes < size && bytes % CHUNK != 0 && grown.get(grown.length() - 1) != null) {
            // a later grow must read zeros past the old end
            byte[] last = grown.get(grown.length() - 1).clone();
            java.util.Arrays.fill(last, (int) (bytes % CHUNK), CHUNK, (byte) 0);
            grown.set(grown.length() - 1, last);
        }
        chunks = grown;
        size = bytes;
    }

    public void close() {
        chunks = new AtomicReferenceArray<>(0);
    }
}
