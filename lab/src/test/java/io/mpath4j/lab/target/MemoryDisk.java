package io.mpath4j.lab.target;

import io.mpath4j.lab.lu.Nexus;
import io.mpath4j.lab.lu.ScsiTask;
import io.mpath4j.lab.lu.TaskExecutor;
import io.mpath4j.lab.lu.TaskResult;
import io.mpath4j.scsi.Octets;
import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.data.Lun;
import io.mpath4j.scsi.data.ReadCapacity10Data;
import io.mpath4j.scsi.data.ReadCapacity16Data;
import io.mpath4j.scsi.data.ReportLunsData;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import io.mpath4j.scsi.vpd.DesignationDescriptor;
import io.mpath4j.scsi.vpd.Designator;
import io.mpath4j.scsi.vpd.DeviceIdentification;
import io.mpath4j.scsi.vpd.StandardInquiry;
import io.mpath4j.scsi.vpd.SupportedVpdPages;
import io.mpath4j.scsi.vpd.UnitSerialNumber;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only {@link TaskExecutor}: LUN 0 as a memory disk answering what initiators ask of a plain
 * disk (TEST UNIT READY, INQUIRY with VPD 00h/80h/83h, READ CAPACITY(10/16), READ/WRITE(10/12/16),
 * WRITE AND VERIFY(10/12/16), SYNCHRONIZE CACHE, REPORT LUNS), enough to drive real initiators
 * against the iSCSI side until the lead swaps in the real logical units. A write stores only the
 * bytes it received (at most the CDB's transfer length), as iscsi-test-cu's Residuals suite wants.
 */
public final class MemoryDisk implements TaskExecutor {

    public static final int LUN = 0;
    private static final java.util.Set<Integer> PROTECTED_IO = java.util.Set.of(0x28, 0x2a, 0x2e, 0x88, 0x8a, 0x8e, 0xa8, 0xaa, 0xae);

    private final byte[] data;
    private final int blockSize;
    private final long blocks;
    private final String serial;
    public final AtomicInteger resets = new AtomicInteger();
    public final List<Nexus> lost = new CopyOnWriteArrayList<>();
    public final AtomicInteger writes = new AtomicInteger();

    public MemoryDisk(long bytes, int blockSize, String serial) {
        this.data = new byte[Math.toIntExact(bytes)];
        this.blockSize = blockSize;
        this.blocks = bytes / blockSize;
        this.serial = serial;
    }

    public byte[] read(long offset, int length) {
        synchronized (data) {
            return Arrays.copyOfRange(data, (int) offset, (int) offset + length);
        }
    }

    public long size() {
        return data.length;
    }

    @Override
    public TaskResult execute(ScsiTask task) {
        byte[] cdb = task.cdb();
        int op = cdb[0] & 0xff;
        if (task.lun() != LUN) {
            return switch (op) {
                case 0x12 -> TaskResult.good(ByteBuffer.wrap(
                        Arrays.copyOf(new byte[] {0x7f, 0, 6, 2, 31}, Math.min(36, task.expectedDataInLength()))));
                case 0xa0 -> reportLuns();
                default -> check(SenseKey.ILLEGAL_REQUEST, 0x25, 0x00);
            };
        }
        if (PROTECTED_IO.contains(op) && (cdb[1] & 0xe0) != 0) {
            return check(SenseKey.ILLEGAL_REQUEST, 0x24, 0x00); // RDPROTECT/WRPROTECT: no protection information here
        }
        switch (op) {
            case 0xa8 -> {
                return readBlocks(u32(cdb, 2), u32(cdb, 6)); // READ(12)
            }
            case 0xaa, 0xae -> {
                return write(u32(cdb, 2), u32(cdb, 6), task.dataOut()); // WRITE(12), WRITE AND VERIFY(12)
            }
            case 0x2e -> {
                return write(u32(cdb, 2), u16(cdb, 7), task.dataOut()); // WRITE AND VERIFY(10)
            }
            case 0x8e -> {
                return write(u64(cdb, 2), u32(cdb, 10), task.dataOut()); // WRITE AND VERIFY(16)
            }
            default -> {
                // the rest below
            }
        }
        Cdb c;
        try {
            c = Cdb.decode(cdb);
        } catch (ScsiFormatException e) {
            return check(SenseKey.ILLEGAL_REQUEST, 0x24, 0x00);
        }
        return switch (c) {
            case Cdb.TestUnitReady t -> TaskResult.good();
            case Cdb.Inquiry i when !i.evpd() -> trunc(StandardInquiry.disk("MPATH4J", "LABDISK", "0001", 0, false)
                    .encode(), i.allocationLength());
            case Cdb.Inquiry i -> switch (i.pageCode()) {
                case 0x00 -> trunc(new SupportedVpdPages(List.of(0x00, 0x80, 0x83)).encode(), i.allocationLength());
                case 0x80 -> trunc(new UnitSerialNumber(serial).encode(), i.allocationLength());
                case 0x83 -> trunc(new DeviceIdentification(List.of(DesignationDescriptor.logicalUnit(
                        new Designator.Naa(Octets.of(naa()))))).encode(), i.allocationLength());
                default -> check(SenseKey.ILLEGAL_REQUEST, 0x24, 0x00);
            };
            case Cdb.ReadCapacity10 r -> TaskResult.good(ByteBuffer.wrap(ReadCapacity10Data.of(blocks, blockSize).encode()));
            case Cdb.ReadCapacity16 r -> trunc(ReadCapacity16Data.of(blocks, blockSize, 0, false).encode(),
                    (int) Math.min(r.allocationLength(), Integer.MAX_VALUE));
            case Cdb.Read10 r -> readBlocks(r.lba(), r.blocks());
            case Cdb.Read16 r -> readBlocks(r.lba(), r.blocks());
            case Cdb.Write10 w -> write(w.lba(), w.blocks(), task.dataOut());
            case Cdb.Write16 w -> write(w.lba(), w.blocks(), task.dataOut());
            case Cdb.SynchronizeCache10 s -> TaskResult.good();
            case Cdb.SynchronizeCache16 s -> TaskResult.good();
            case Cdb.ReportLuns r -> reportLuns();
            default -> check(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00);
        };
    }

    @Override
    public long dataOutLength(long lun, byte[] cdb) {
        return switch (cdb[0] & 0xff) {
            case 0x2a, 0x2e -> (long) u16(cdb, 7) * blockSize;
            case 0xaa, 0xae -> u32(cdb, 6) * blockSize;
            case 0x8a, 0x8e -> u32(cdb, 10) * blockSize;
            default -> -1;
        };
    }

    @Override
    public void logicalUnitReset(long lun, Nexus nexus) {
        resets.incrementAndGet();
    }

    @Override
    public void nexusLost(Nexus nexus) {
        lost.add(nexus);
    }

    private byte[] naa() {
        byte[] b = new byte[16];
        b[0] = 0x60;
        byte[] s = serial.getBytes();
        System.arraycopy(s, 0, b, 16 - Math.min(8, s.length), Math.min(8, s.length));
        return b;
    }

    private TaskResult reportLuns() {
        return TaskResult.good(ByteBuffer.wrap(new ReportLunsData(List.of(Lun.of(LUN))).encode()));
    }

    private boolean outOfRange(long lba, long count) {
        return lba < 0 || count < 0 || lba > blocks || count > blocks - lba;
    }

    private TaskResult readBlocks(long lba, long count) {
        if (outOfRange(lba, count)) {
            return check(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
        }
        synchronized (data) {
            return TaskResult.good(ByteBuffer.wrap(Arrays.copyOfRange(data, (int) (lba * blockSize),
                    (int) ((lba + count) * blockSize))));
        }
    }

    private TaskResult write(long lba, long count, ByteBuffer in) {
        if (outOfRange(lba, count)) {
            return check(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
        }
        int n = (int) Math.min(in.remaining(), count * blockSize);
        synchronized (data) {
            in.duplicate().get(data, (int) (lba * blockSize), n);
        }
        writes.incrementAndGet();
        return TaskResult.good();
    }

    private static TaskResult trunc(byte[] b, int allocation) {
        return TaskResult.good(ByteBuffer.wrap(b, 0, Math.min(b.length, allocation)).slice());
    }

    private static TaskResult check(SenseKey key, int asc, int ascq) {
        return TaskResult.checkCondition(SenseData.of(key, asc, ascq));
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static long u32(byte[] b, int i) {
        return Integer.toUnsignedLong((b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff));
    }

    private static long u64(byte[] b, int i) {
        return u32(b, i) << 32 | u32(b, i + 4);
    }
}
