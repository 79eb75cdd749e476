package io.mpath4j.lab.lu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A store in a file, with positional FileChannel I/O (no shared position, so concurrent tasks
 * need no lock) and {@code force} for SYNCHRONIZE CACHE and FUA. UNMAP writes zeros: Java has no
 * hole punching, and zeros are what the LU promises (LBPRZ).
 */
public final class FileBackstore implements Backstore {

    private static final int ZERO_CHUNK = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final int blockSize;
    private volatile long size;

    private FileBackstore(Path path, FileChannel channel, long size, int blockSize) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.blockSize = blockSize;
    }

    static FileBackstore open(Path path, long bytes, int blockSize) throws IOException {
        Backstore.checkSize(bytes, blockSize);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (ch.size() < bytes) {
                ch.write(ByteBuffer.allocate(1), bytes - 1); // sparse extension
            }
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot size backstore file " + path + " to " + bytes + " bytes: " + e.getMessage(), e);
        }
        return new FileBackstore(path, ch, bytes, blockSize);
    }

    public Path path() {
        return path;
    }

    public int blockSize() {
        return blockSize;
    }

    public long size() {
        return size;
    }

    public void read(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) { // the file was truncated behind our back: the rest reads as zeros
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            pos += n;
        }
    }

    public void write(long offset, ByteBuffer src) throws IOException {
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    public void unmap(long offset, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, ZERO_CHUNK));
        for (long pos = offset; pos < offset + length; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), offset + length - pos));
            int n = zeros.remaining();
            write(pos, zeros);
            pos += n;
        }
    }

    /** A file store cannot tell holes from data: everything counts as mapped. */
    public boolean deallocated(long offset, long length) {
        return false;
    }

    public void flush() throws IOException {
        channel.force(false);
    }

    public synchronized void resize(long bytes) throws IOException {
        Backstore.checkSize(bytes, blockSize);
        if (bytes < channel.size()) {
            channel.truncate(bytes);
        } else if (bytes > channel.size()) {
            channel.write(ByteBuffer.allocate(1), bytes - 1);
        }
        size = bytes;
    }

    public void close() throws IOException {
        channel.close();
    }
}
