package io.mpath4j.fuse;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Byte-granular file I/O over a block device that takes whole logical blocks: a file accepts any
 * offset and length (buffered writes arrive as the application wrote them, O_DIRECT on FUSE only
 * promises 512-byte alignment), a SCSI or NBD unit with 4 KiB blocks does not.
 *
 * <p>Aligned requests go to the device as they are, on the caller's buffer (no copy). An
 * unaligned read reads the covering blocks into a bounce buffer. An unaligned write is a
 * read-modify-write of its partial first and last blocks under a lock striped by block number, so
 * two unaligned writes into one block cannot lose each other's bytes. An aligned write does not
 * take that lock: it could interleave with a read-modify-write of a block it covers, and the
 * block then holds one write's bytes plus the other's — like two overlapping writes racing on a
 * disk, whose result POSIX leaves undefined too.
 *
 * <p>Every method blocks until the device answers: it runs on a libfuse worker thread, which
 * must hold the request until it can reply.
 */
final class AlignedIo {

    private static final int STRIPES = 64;

    private final BlockDevice device;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    AlignedIo(BlockDevice device) {
        this.device = device;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    BlockDevice device() {
        return device;
    }

    /** Reads {@code into.remaining()} bytes at {@code offset}; the range lies inside the device. */
    IoStatus read(long offset, ByteBuffer into) {
        int bs = device.geometry().logicalBlockSize();
        int len = into.remaining();
        if (aligned(offset, len, bs)) {
            return device.submit(new IoRequest.Read(offset, into)).join();
        }
        long start = floor(offset, bs);
        ByteBuffer bounce = ByteBuffer.allocate((int) (ceil(offset + len, bs) - start));
        IoStatus st = device.submit(new IoRequest.Read(start, bounce)).join();
        if (st.isOk()) {
            into.put(into.position(), bounce, (int) (offset - start), len);
        }
        return st;
    }

    /** Writes {@code from.remaining()} bytes at {@code offset}; the range lies inside the device. */
    IoStatus write(long offset, ByteBuffer from) {
        int bs = device.geometry().logicalBlockSize();
        int len = from.remaining();
        if (aligned(offset, len, bs)) {
            return device.submit(new IoRequest.Write(offset, from, false)).join();
        }
        long start = floor(offset, bs);
        long end = ceil(offset + len, bs);
        int first = stripe(start / bs);
        int last = stripe((end - 1) / bs);
        lockBoth(first, last);
        try {
            ByteBuffer span = ByteBuffer.allocate((int) (end - start));
            IoStatus st = readEdges(start, end, offset, len, bs, span);
            if (!st.isOk()) {
                return st;
            }
            span.put((int) (offset - start), from, from.position(), len);
            return device.submit(new IoRequest.Write(start, span, false)).join();
        } finally {
            unlockBoth(first, last);
        }
    }

    /**
     * Zeroes {@code [offset, offset+length)}: WRITE ZEROES for the whole blocks inside it (which
     * the device may deallocate when {@code mayUnmap}), written zero bytes for partial blocks.
     */
    IoStatus zero(long offset, long length, boolean mayUnmap) {
        int bs = device.geometry().logicalBlockSize();
        long end = offset + length;
        long innerStart = ceil(offset, bs);
        long innerEnd = floor(end, bs);
        if (innerStart >= innerEnd) {
            return write(offset, ByteBuffer.allocate((int) length));
        }
        if (offset < innerStart) {
            IoStatus st = write(offset, ByteBuffer.allocate((int) (innerStart - offset)));
            if (!st.isOk()) {
                return st;
            }
        }
        IoStatus st = device.submit(new IoRequest.WriteZeroes(innerStart, innerEnd - innerStart, mayUnmap)).join();
        if (!st.isOk() || innerEnd == end) {
            return st;
        }
        return write(innerEnd, ByteBuffer.allocate((int) (end - innerEnd)));
    }

    IoStatus flush() {
        return device.submit(IoRequest.Flush.INSTANCE).join();
    }

    /** Fills the partial first and last blocks of {@code span} (covering [start, end)) from the device. */
    private IoStatus readEdges(long start, long end, long offset, int len, int bs, ByteBuffer span) {
        boolean headPartial = offset != start;
        boolean tailPartial = offset + len != end;
        if (end - start == bs || (headPartial && tailPartial && end - start == 2L * bs)) {
            return device.submit(new IoRequest.Read(start, span)).join();
        }
        if (headPartial) {
            IoStatus st = device.submit(new IoRequest.Read(start, span.slice(0, bs))).join();
            if (!st.isOk()) {
                return st;
            }
        }
        if (tailPartial) {
            return device.submit(new IoRequest.Read(end - bs, span.slice((int) (end - bs - start), bs))).join();
        }
        return IoStatus.OK;
    }

    private static int stripe(long block) {
        return (int) Math.floorMod(block, (long) STRIPES);
    }

    /** Locks the stripes of two blocks, lower index first: a total order rules out a deadlock between two writers. */
    private void lockBoth(int a, int b) {
        stripes[Math.min(a, b)].lock();
        if (a != b) {
            stripes[Math.max(a, b)].lock();
        }
    }

    private void unlockBoth(int a, int b) {
        stripes[a].unlock();
        if (a != b) {
            stripes[b].unlock();
        }
    }

    static boolean aligned(long offset, long length, int bs) {
        return ((offset | length) & (bs - 1)) == 0;
    }

    static long floor(long v, int bs) {
        return v & -bs;
    }

    static long ceil(long v, int bs) {
        return (v + bs - 1) & -bs;
    }
}
