package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u64;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.cdb.UnmapParameterList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The SBC-3 data path of one logical unit: READ, WRITE, WRITE AND VERIFY, VERIFY, WRITE SAME,
 * UNMAP, COMPARE AND WRITE, GET LBA STATUS, PRE-FETCH, SYNCHRONIZE CACHE.
 *
 * <p>Reads and writes share a read-write lock in read mode, COMPARE AND WRITE takes it in write
 * mode: its compare and its write are then atomic with respect to every other read and write,
 * while reads and writes still run concurrently with each other.
 */
final class BlockCommands {

    /** Largest transfer of one command, in bytes: the whole transfer is held in memory. */
    static final int MAX_TRANSFER_BYTES = 32 << 20; // libiscsi writes 65536 × 512 bytes in one WRITE(16)
    /** MAXIMUM COMPARE AND WRITE LENGTH (B0h): one byte. */
    static final int MAX_COMPARE_AND_WRITE_BLOCKS = 255;
    static final int MAX_UNMAP_DESCRIPTORS = 256;

    private final Backstore store;
    private final ReadWriteLock writeOrder = new ReentrantReadWriteLock();

    BlockCommands(Backstore store) {
        this.store = store;
    }

    int blockSize() {
        return store.blockSize();
    }

    long maxTransferBlocks() {
        return MAX_TRANSFER_BYTES / store.blockSize();
    }

    /** Only the 32-bit field limits WRITE SAME: the pattern is written in 1 MiB pieces, UNMAP costs nothing. */
    long maxWriteSameBlocks() {
        return 0xFFFF_FFFFL;
    }

    long maxUnmapBlocks() {
        return 0xFFFF_FFFFL;
    }

    /** LBA, length and the flags byte of a READ/WRITE/VERIFY-family CDB. */
    record Range(long lba, long blocks, int flags) {}

    static Range range(byte[] c) {
        int op = u8(c, 0);
        return switch (op >>> 5) {
            case 0 -> { // 6-byte: 21-bit LBA, length 0 means 256 (SBC-3 §5.7)
                int len = u8(c, 4);
                yield new Range((u8(c, 1) & 0x1F) << 16 | u16(c, 2), len == 0 ? 256 : len, 0);
            }
            case 1, 2 -> new Range(u32(c, 2), u16(c, 7), u8(c, 1));
            case 5 -> new Range(u32(c, 2), u32(c, 6), u8(c, 1));
            default -> new Range(u64(c, 2), u32(c, 10), u8(c, 1));
        };
    }

    /** LOGICAL BLOCK ADDRESS OUT OF RANGE unless lba..lba+blocks lies within the capacity (unsigned compare). */
    void checkRange(long lba, long blocks) {
        long cap = store.blocks();
        if (Long.compareUnsigned(lba, cap) > 0 || blocks > cap - lba) {
            throw TaskFailure.check(Sense.LBA_OUT_OF_RANGE);
        }
    }

    private void checkTransfer(long blocks) {
        if (blocks > maxTransferBlocks()) {
            throw TaskFailure.invalidFieldInCdb();
        }
    }

    /** RDPROTECT/WRPROTECT/VRPROTECT (bits 7-5 of byte 1): the LU has no protection information. */
    private static void checkNoProtect(int flags) {
        if ((flags & 0xE0) != 0) {
            throw TaskFailure.invalidFieldInCdb();
        }
    }

    // ---- READ ----

    TaskResult read(byte[] c) {
        Range r = range(c);
        checkNoProtect(r.flags());
        checkRange(r.lba(), r.blocks());
        checkTransfer(r.blocks());
        ByteBuffer data = ByteBuffer.allocate((int) (r.blocks() * blockSize()));
        var shared = writeOrder.readLock(); // never sees half a COMPARE AND WRITE
        shared.lock();
        try {
            ioRead(() -> store.read(r.lba() * blockSize(), data));
        } finally {
            shared.unlock();
        }
        return TaskResult.good(data.flip());
    }

    // ---- WRITE, WRITE AND VERIFY ----

    /**
     * WRITE(6/10/12/16) and WRITE AND VERIFY: writes the whole blocks the Data-Out buffer holds, up
     * to the transfer length (an initiator that sent less gets only that written, as libiscsi's
     * residual tests expect); FUA makes them durable before GOOD.
     */
    TaskResult write(byte[] c, ByteBuffer dataOut) {
        Range r = range(c);
        checkNoProtect(r.flags());
        checkRange(r.lba(), r.blocks());
        checkTransfer(r.blocks());
        long blocks = Math.min(r.blocks(), dataOut.remaining() / blockSize());
        ByteBuffer src = dataOut.duplicate();
        src.limit(src.position() + (int) (blocks * blockSize()));
        boolean fua = (r.flags() & 0x08) != 0 || (c[0] & 0xFF) == LuCommand.WRITE_AND_VERIFY_10
                || (c[0] & 0xFF) == LuCommand.WRITE_AND_VERIFY_12 || (c[0] & 0xFF) == LuCommand.WRITE_AND_VERIFY_16;
        locked(false, () -> store.write(r.lba() * blockSize(), src));
        if (fua) {
            io(store::flush);
        }
        return TaskResult.good();
    }

    // ---- VERIFY ----

    /**
     * VERIFY(10/12/16) (SBC-3 §5.30): BYTCHK 00b only checks the range, 01b compares the Data-Out
     * buffer with the medium, 11b compares one Data-Out block with every block; a difference is
     * MISCOMPARE with the offset of the first differing byte in INFORMATION.
     */
    TaskResult verify(byte[] c, ByteBuffer dataOut) {
        Range r = range(c);
        checkNoProtect(r.flags());
        int bytchk = (r.flags() >>> 1) & 0x3;
        if (bytchk == 2) {
            throw TaskFailure.invalidFieldInCdb();
        }
        checkRange(r.lba(), r.blocks());
        checkTransfer(r.blocks());
        if (bytchk == 0 || r.blocks() == 0) {
            return TaskResult.good();
        }
        int bs = blockSize();
        int need = bytchk == 1 ? (int) (r.blocks() * bs) : bs;
        if (dataOut.remaining() < need) {
            throw TaskFailure.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        byte[] medium = new byte[(int) (r.blocks() * bs)];
        ioRead(() -> store.read(r.lba() * bs, ByteBuffer.wrap(medium)));
        byte[] expected = new byte[need];
        dataOut.duplicate().get(expected);
        for (int i = 0; i < medium.length; i++) {
            if (medium[i] != expected[bytchk == 1 ? i : i % bs]) {
                throw TaskFailure.check(Sense.MISCOMPARE_DURING_VERIFY.withInformation(i));
            }
        }
        return TaskResult.good();
    }

    // ---- COMPARE AND WRITE ----

    /**
     * COMPARE AND WRITE (SBC-3 §5.2): the Data-Out buffer is the verify data then the write data;
     * both halves under the exclusive side of the write-order lock.
     */
    TaskResult compareAndWrite(byte[] c, ByteBuffer dataOut) {
        checkNoProtect(u8(c, 1));
        long lba = u64(c, 2);
        int blocks = u8(c, 13);
        if (blocks > MAX_COMPARE_AND_WRITE_BLOCKS) {
            throw TaskFailure.invalidFieldInCdb();
        }
        checkRange(lba, blocks);
        if (blocks == 0) {
            // the one-byte field cannot say 256: data for zero blocks means the initiator asked
            // for more than MAXIMUM COMPARE AND WRITE LENGTH (libiscsi sends 256 this way)
            if (dataOut.hasRemaining()) {
                throw TaskFailure.invalidFieldInCdb(13);
            }
            return TaskResult.good();
        }
        int bs = blockSize();
        int half = blocks * bs;
        if (dataOut.remaining() < 2 * half) {
            throw TaskFailure.invalidFieldInCdb();
        }
        byte[] verify = new byte[half];
        ByteBuffer src = dataOut.duplicate();
        src.get(verify);
        src.limit(src.position() + half);
        byte[] medium = new byte[half];
        writeOrder.writeLock().lock();
        try {
            ioRead(() -> store.read(lba * bs, ByteBuffer.wrap(medium)));
            int diff = Arrays.mismatch(medium, verify);
            if (diff >= 0) {
                throw TaskFailure.check(Sense.MISCOMPARE_DURING_VERIFY.withInformation(diff));
            }
            io(() -> store.write(lba * bs, src));
        } finally {
            writeOrder.writeLock().unlock();
        }
        if ((u8(c, 1) & 0x08) != 0) {
            io(store::flush);
        }
        return TaskResult.good();
    }

    // ---- WRITE SAME ----

    /**
     * WRITE SAME(10/16) (SBC-3 §5.41/§5.42). A NUMBER OF LOGICAL BLOCKS of 0 is refused (WSNZ is
     * set in the Block Limits page); ANCHOR is refused (no anchored state). With UNMAP on a thin
     * LU a zero pattern (or NDOB) deallocates the blocks; any other pattern is written, as the
     * blocks must read back what was asked (LBPRZ).
     */
    TaskResult writeSame(byte[] c, ByteBuffer dataOut, boolean thin) {
        boolean sixteen = (c[0] & 0xFF) == LuCommand.WRITE_SAME_16;
        int flags = u8(c, 1);
        long lba = sixteen ? u64(c, 2) : u32(c, 2);
        long blocks = sixteen ? u32(c, 10) : u16(c, 7);
        boolean unmap = (flags & 0x08) != 0;
        boolean anchor = (flags & 0x10) != 0;
        boolean ndob = sixteen && (flags & 0x01) != 0;
        checkNoProtect(flags);
        if (anchor || blocks == 0 || blocks > maxWriteSameBlocks()) {
            throw TaskFailure.invalidFieldInCdb();
        }
        checkRange(lba, blocks);
        int bs = blockSize();
        byte[] pattern = new byte[bs];
        if (!ndob) {
            if (dataOut.remaining() < bs) {
                throw TaskFailure.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
            }
            dataOut.duplicate().get(pattern);
        }
        boolean zero = ndob || allZero(pattern);
        if (unmap && thin && zero) {
            locked(false, () -> store.unmap(lba * bs, blocks * bs));
            return TaskResult.good();
        }
        int perChunk = Math.max(1, (int) Math.min(blocks, (1 << 20) / bs));
        ByteBuffer chunk = ByteBuffer.allocate(perChunk * bs);
        for (int i = 0; i < perChunk; i++) {
            chunk.put(pattern);
        }
        locked(false, () -> {
            for (long done = 0; done < blocks; ) {
                int n = (int) Math.min(perChunk, blocks - done);
                chunk.clear().limit(n * bs);
                store.write((lba + done) * bs, chunk);
                done += n;
            }
        });
        return TaskResult.good();
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    // ---- UNMAP ----

    /**
     * UNMAP (SBC-3 §5.28): every descriptor is checked (range, counts) before any block is
     * deallocated, so a bad list changes nothing.
     */
    TaskResult unmap(byte[] c, ByteBuffer dataOut) {
        if ((u8(c, 1) & 0x01) != 0) {
            throw TaskFailure.invalidFieldInCdb(); // ANCHOR
        }
        int listLength = u16(c, 7);
        if (listLength == 0) {
            return TaskResult.good();
        }
        if (listLength < 8) {
            throw TaskFailure.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        byte[] list = LabLogicalUnit.parameterList(dataOut, listLength, 0xFFFF);
        UnmapParameterList p;
        try {
            p = UnmapParameterList.decode(list);
        } catch (ScsiFormatException e) {
            throw TaskFailure.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        if (p.descriptors().size() > MAX_UNMAP_DESCRIPTORS) {
            throw TaskFailure.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        for (UnmapParameterList.Descriptor d : p.descriptors()) {
            checkRange(d.lba(), d.blocks());
        }
        int bs = blockSize();
        locked(false, () -> {
            for (UnmapParameterList.Descriptor d : p.descriptors()) {
                store.unmap(d.lba() * bs, d.blocks() * bs);
            }
        });
        return TaskResult.good();
    }

    // ---- GET LBA STATUS ----

    /**
     * GET LBA STATUS (SBC-3 §5.6): one LBA status descriptor for the extent starting at the
     * requested LBA whose blocks share its provisioning status (0 mapped, 1 deallocated).
     */
    TaskResult getLbaStatus(byte[] c, boolean thin) {
        long lba = u64(c, 2);
        long alloc = u32(c, 10);
        long cap = store.blocks();
        if (Long.compareUnsigned(lba, cap) >= 0) {
            throw TaskFailure.check(Sense.LBA_OUT_OF_RANGE);
        }
        int bs = blockSize();
        long step = Math.max(1, MemoryBackstore.CHUNK / bs);
        // a fully provisioned unit has every block mapped, whatever its store allocated
        boolean dealloc = thin && store.deallocated(lba * bs, bs);
        long end = Math.min(cap, (lba / step + 1) * step);
        while (end < cap && end - lba < 0xFFFF_FFFFL - step
                && (thin && store.deallocated(end * bs, Math.min(step, cap - end) * bs)) == dealloc) {
            end = Math.min(cap, end + step);
        }
        byte[] b = new byte[24];
        put32(b, 0, 20);
        put64(b, 8, lba);
        put32(b, 16, end - lba);
        b[20] = (byte) (dealloc ? 1 : 0);
        return TaskResult.good(ByteBuffer.wrap(b, 0, (int) Math.min(b.length, alloc)).slice());
    }

    // ---- PRE-FETCH, SYNCHRONIZE CACHE ----

    /** PRE-FETCH(10/16): nothing to stage in a store without a cache; the range is still checked. */
    TaskResult preFetch(byte[] c) {
        boolean sixteen = (c[0] & 0xFF) == LuCommand.PRE_FETCH_16;
        checkRange(sixteen ? u64(c, 2) : u32(c, 2), sixteen ? u32(c, 10) : u16(c, 7));
        return TaskResult.good();
    }

    /** SYNCHRONIZE CACHE(10/16): a length of 0 means "to the end"; the whole store is flushed. */
    TaskResult synchronizeCache(byte[] c) {
        boolean sixteen = (c[0] & 0xFF) == LuCommand.SYNCHRONIZE_CACHE_16;
        long lba = sixteen ? u64(c, 2) : u32(c, 2);
        long blocks = sixteen ? u32(c, 10) : u16(c, 7);
        checkRange(lba, blocks);
        io(store::flush);
        return TaskResult.good();
    }

    // ---- plumbing ----

    interface IoAction {
        void run() throws IOException;
    }

    private void locked(boolean exclusive, IoAction a) {
        var lock = exclusive ? writeOrder.writeLock() : writeOrder.readLock();
        lock.lock();
        try {
            io(a);
        } finally {
            lock.unlock();
        }
    }

    /** An I/O error of the store is a MEDIUM ERROR for the initiator, not a dead target. */
    static void io(IoAction a) {
        try {
            a.run();
        } catch (IOException | UncheckedIOException e) {
            throw TaskFailure.check(Sense.WRITE_ERROR);
        }
    }

    private static void ioRead(IoAction a) {
        try {
            a.run();
        } catch (IOException | UncheckedIOException e) {
            throw TaskFailure.check(Sense.UNRECOVERED_READ_ERROR);
        }
    }
}
