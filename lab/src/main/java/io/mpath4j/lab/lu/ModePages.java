package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u8;

import java.io.ByteArrayOutputStream;

/**
 * MODE SENSE(6)/(10) (SPC-4 §6.11, §6.12) for a lab disk: the read-write error recovery page
 * (01h), the caching page (08h, SBC-3 §6.4.5), the control page (0Ah, SPC-4 §7.5.8), and 3Fh for
 * all of them; a short or long block descriptor unless DBD. Nothing is changeable (MODE SELECT
 * is not implemented), so the changeable values are all zero and saved values are not supported.
 */
final class ModePages {

    static final int READ_WRITE_ERROR_RECOVERY = 0x01;
    static final int CACHING = 0x08;
    static final int CONTROL = 0x0A;
    static final int ALL = 0x3F;

    private ModePages() {}

    /**
     * @param writeCache the WCE bit: a file store buffers writes until SYNCHRONIZE CACHE or FUA
     */
    static byte[] modeSense(byte[] c, long blocks, int blockSize, boolean readOnly, boolean writeCache) {
        boolean six = (c[0] & 0xFF) == LuCommand.MODE_SENSE_6;
        boolean dbd = (c[1] & 0x08) != 0;
        boolean llbaa = !six && (c[1] & 0x10) != 0;
        int pc = (c[2] & 0xC0) >>> 6;
        int page = c[2] & 0x3F;
        int subpage = u8(c, 3);
        int alloc = six ? u8(c, 4) : u16(c, 7);
        if (pc == 3) {
            throw TaskFailure.check(Sense.SAVING_PARAMETERS_NOT_SUPPORTED);
        }
        if (subpage != 0 && !(page == ALL && subpage == 0xFF)) {
            throw TaskFailure.invalidFieldInCdb();
        }
        boolean changeable = pc == 1;
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        switch (page) {
            case READ_WRITE_ERROR_RECOVERY -> pages.writeBytes(errorRecovery(changeable));
            case CACHING -> pages.writeBytes(caching(changeable, writeCache));
            case CONTROL -> pages.writeBytes(control(changeable));
            case ALL -> {
                pages.writeBytes(errorRecovery(changeable));
                pages.writeBytes(caching(changeable, writeCache));
                pages.writeBytes(control(changeable));
            }
            default -> throw TaskFailure.invalidFieldInCdb();
        }
        byte[] desc = dbd ? new byte[0] : blockDescriptor(llbaa, blocks, blockSize);
        int header = six ? 4 : 8;
        byte[] b = new byte[header + desc.length + pages.size()];
        int deviceSpecific = (readOnly ? 0x80 : 0) | 0x10; // WP, DPOFUA
        if (six) {
            b[0] = (byte) Math.min(0xFF, b.length - 1);
            b[2] = (byte) deviceSpecific;
            b[3] = (byte) desc.length;
        } else {
            put16(b, 0, b.length - 2);
            b[3] = (byte) deviceSpecific;
            b[4] = (byte) (llbaa && !dbd ? 0x01 : 0); // LONGLBA
            put16(b, 6, desc.length);
        }
        System.arraycopy(desc, 0, b, header, desc.length);
        System.arraycopy(pages.toByteArray(), 0, b, header + desc.length, pages.size());
        return LabLogicalUnit.truncate(b, alloc);
    }

    private static byte[] blockDescriptor(boolean longLba, long blocks, int blockSize) {
        if (longLba) {
            byte[] d = new byte[16];
            put64(d, 0, blocks);
            put32(d, 12, blockSize);
            return d;
        }
        byte[] d = new byte[8];
        put32(d, 0, Math.min(blocks, 0xFFFF_FFFFL));
        put32(d, 4, blockSize); // byte 4 is reserved, the length is 24 bits
        return d;
    }

    private static byte[] errorRecovery(boolean changeable) {
        byte[] p = new byte[12];
        p[0] = READ_WRITE_ERROR_RECOVERY;
        p[1] = 0x0A;
        return p;
    }

    private static byte[] caching(boolean changeable, boolean writeCache) {
        byte[] p = new byte[20];
        p[0] = CACHING;
        p[1] = 0x12;
        if (!changeable) {
            p[2] = (byte) (writeCache ? 0x04 : 0); // WCE
        }
        return p;
    }

    private static byte[] control(boolean changeable) {
        byte[] p = new byte[12];
        p[0] = CONTROL;
        p[1] = 0x0A;
        if (!changeable) {
            p[3] = 0x10; // QUEUE ALGORITHM MODIFIER 1: unrestricted reordering; QERR 0
            p[5] = 0x40; // TAS: aborted tasks of other nexuses end in TASK ABORTED
            p[8] = (byte) 0xFF; // BUSY TIMEOUT PERIOD: unlimited
            p[9] = (byte) 0xFF;
        }
        return p;
    }
}
