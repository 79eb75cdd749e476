package io.mpath4j.scsi.data;

import static io.mpath4j.scsi.ScsiBytes.U32_MAX;
import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u64;

import io.mpath4j.scsi.ScsiFormatException;

/**
 * READ CAPACITY(16) parameter data (SBC-3 §5.16.2), 32 bytes. Only the first 16 bytes carry
 * fields (the rest is reserved), so a 16-byte answer is accepted too.
 *
 * @param protectionType P_TYPE, meaningful when {@code protectionEnabled}
 * @param logicalBlocksPerPhysicalBlockExponent 2^n logical blocks per physical block (4K-native
 *     with 512-byte logical blocks: 3)
 * @param lbpme logical block provisioning management enabled (thin provisioning: UNMAP works)
 * @param lbprz unmapped blocks read as zeros
 */
public record ReadCapacity16Data(
        long lastLba, long blockLength, int protectionType, boolean protectionEnabled, int pIExponent,
        int logicalBlocksPerPhysicalBlockExponent, boolean lbpme, boolean lbprz, int lowestAlignedLba) {

    public static final int LENGTH = 32;

    public ReadCapacity16Data {
        checkRange(blockLength, U32_MAX, "logical block length");
        checkRange(protectionType, 7, "P_TYPE");
        checkRange(pIExponent, 0xF, "P_I_EXPONENT");
        checkRange(logicalBlocksPerPhysicalBlockExponent, 0xF, "logical blocks per physical block exponent");
        checkRange(lowestAlignedLba, 0x3FFF, "lowest aligned LBA");
    }

    public static ReadCapacity16Data of(long blocks, long blockLength, int physicalExponent, boolean thin) {
        return new ReadCapacity16Data(blocks - 1, blockLength, 0, false, 0, physicalExponent, thin, thin, 0);
    }

    /** Capacity in blocks (returned LBA + 1, unsigned). */
    public long blocks() {
        return lastLba + 1;
    }

    public long physicalBlockLength() {
        return blockLength << logicalBlocksPerPhysicalBlockExponent;
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        put64(b, 0, lastLba);
        put32(b, 8, blockLength);
        b[12] = (byte) (protectionType << 1 | (protectionEnabled ? 1 : 0));
        b[13] = (byte) (pIExponent << 4 | logicalBlocksPerPhysicalBlockExponent);
        put16(b, 14, (lbpme ? 0x8000 : 0) | (lbprz ? 0x4000 : 0) | lowestAlignedLba);
        return b;
    }

    public static ReadCapacity16Data decode(byte[] b) throws ScsiFormatException {
        need(b, 16, "READ CAPACITY(16) data");
        int f = u16(b, 14);
        return new ReadCapacity16Data(u64(b, 0), u32(b, 8), (b[12] >>> 1) & 7, (b[12] & 1) != 0,
                (b[13] >>> 4) & 0xF, b[13] & 0xF, (f & 0x8000) != 0, (f & 0x4000) != 0, f & 0x3FFF);
    }
}
