package io.mpath4j.lab.lu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The bytes behind one logical unit. Positional and thread-safe: reads and writes of many tasks
 * run concurrently (overlapping writes land in some order, as on a real disk; COMPARE AND WRITE
 * gets its atomicity from the logical unit, not from here).
 */
public sealed interface Backstore extends AutoCloseable permits MemoryBackstore, FileBackstore {

    /** A sparse in-memory store of {@code bytes} (a multiple of {@code blockSize}); unwritten blocks read as zeros. */
    static Backstore memory(long bytes, int blockSize) {
        return new MemoryBackstore(bytes, blockSize);
    }

    /**
     * A file store: the file is created if missing and extended (sparse) to {@code bytes}; an
     * existing longer file keeps its length and is used up to {@code bytes}.
     */
    static Backstore file(Path path, long bytes, int blockSize) throws IOException {
        return FileBackstore.open(path, bytes, blockSize);
    }

    /** The logical block length in bytes (512 or 4096 in practice). */
    int blockSize();

    /** Capacity in bytes, a multiple of {@link #blockSize()}. */
    long size();

    /** Capacity in logical blocks. */
    default long blocks() {
        return size() / blockSize();
    }

    /** Fills {@code dst} (position to limit) from byte {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** Writes {@code src} (position to limit) at byte {@code offset}. */
    void write(long offset, ByteBuffer src) throws IOException;

    /**
     * Deallocates (thin provisioning) the range: it reads back as zeros afterwards. The memory
     * store drops whole chunks and zeroes partial ones; the file store writes zeros.
     */
    void unmap(long offset, long length) throws IOException;

    /** True when the range holds no allocated data (GET LBA STATUS reports it deallocated). */
    boolean deallocated(long offset, long length);

    /** Makes completed writes durable (SYNCHRONIZE CACHE, FUA). */
    void flush() throws IOException;

    /** Changes the capacity (a lab action; the logical unit raises CAPACITY DATA HAS CHANGED). */
    void resize(long bytes) throws IOException;

    @Override
    void close() throws IOException;

    /** Checks a size against the block size. */
    static long checkSize(long bytes, int blockSize) {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two ≥ 512: " + blockSize);
        }
        if (bytes <= 0 || bytes % blockSize != 0) {
            throw new IllegalArgumentException("size " + bytes + " is not a positive multiple of the block size " + blockSize);
        }
        return bytes;
    }
}
