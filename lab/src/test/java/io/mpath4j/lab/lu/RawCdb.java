package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;

/** Test helper: CDBs the scsi module does not model, laid out byte by byte from SBC-3/SPC-4. */
final class RawCdb {

    private RawCdb() {}

    static byte[] cdb10(int op, int flags, long lba, int blocks) {
        byte[] b = new byte[10];
        b[0] = (byte) op;
        b[1] = (byte) flags;
        put32(b, 2, lba);
        put16(b, 7, blocks);
        return b;
    }

    static byte[] cdb12(int op, int flags, long lba, long blocks) {
        byte[] b = new byte[12];
        b[0] = (byte) op;
        b[1] = (byte) flags;
        put32(b, 2, lba);
        put32(b, 6, blocks);
        return b;
    }

    static byte[] cdb16(int op, int flags, long lba, long blocks) {
        byte[] b = new byte[16];
        b[0] = (byte) op;
        b[1] = (byte) flags;
        put64(b, 2, lba);
        put32(b, 10, blocks);
        return b;
    }

    /** READ(6)/WRITE(6): 21-bit LBA, 8-bit length (0 = 256). */
    static byte[] cdb6(int op, int lba, int blocks) {
        return new byte[] {(byte) op, (byte) (lba >>> 16 & 0x1F), (byte) (lba >>> 8), (byte) lba, (byte) blocks, 0};
    }

    static byte[] compareAndWrite(long lba, int blocks) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x89;
        put64(b, 2, lba);
        b[13] = (byte) blocks;
        return b;
    }

    static byte[] writeSame10(int flags, long lba, int blocks) {
        return cdb10(0x41, flags, lba, blocks);
    }

    static byte[] getLbaStatus(long lba, long alloc) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x9E;
        b[1] = 0x12;
        put64(b, 2, lba);
        put32(b, 10, alloc);
        return b;
    }

    static byte[] reportSupportedOpcodes(int options, boolean rctd, int op, int sa, long alloc) {
        byte[] b = new byte[12];
        b[0] = (byte) 0xA3;
        b[1] = 0x0C;
        b[2] = (byte) ((rctd ? 0x80 : 0) | options);
        b[3] = (byte) op;
        put16(b, 4, sa);
        put32(b, 6, alloc);
        return b;
    }

    static byte[] requestSense(int alloc) {
        return new byte[] {0x03, 0, 0, 0, (byte) alloc, 0};
    }

    static byte[] reserve6() {
        return new byte[] {0x16, 0, 0, 0, 0, 0};
    }

    static byte[] release6() {
        return new byte[] {0x17, 0, 0, 0, 0, 0};
    }
}
