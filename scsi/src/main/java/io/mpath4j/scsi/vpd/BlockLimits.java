package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.U32_MAX;
import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u64;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;

/**
 * Block Limits page, B0h (SBC-3 §6.5.3), page length 3Ch. All lengths are in logical blocks; 0
 * means "not reported / no limit". Old (SBC-2) devices send page length 0Ch, i.e. only the fields
 * up to OPTIMAL TRANSFER LENGTH; fields past the page length decode as 0. The atomic-write fields
 * of SBC-4 are not modelled.
 */
public record BlockLimits(
        boolean wsnz,
        int maxCompareAndWriteLength,
        int optimalTransferLengthGranularity,
        long maxTransferLength,
        long optimalTransferLength,
        long maxPrefetchLength,
        long maxUnmapLbaCount,
        long maxUnmapBlockDescriptorCount,
        long optimalUnmapGranularity,
        boolean unmapGranularityAlignmentValid,
        long unmapGranularityAlignment,
        long maxWriteSameLength) {

    public static final int PAGE_LENGTH = 0x3C;

    public BlockLimits {
        checkRange(maxCompareAndWriteLength, 0xFF, "maximum compare and write length");
        checkRange(optimalTransferLengthGranularity, 0xFFFF, "optimal transfer length granularity");
        checkRange(maxTransferLength, U32_MAX, "maximum transfer length");
        checkRange(optimalTransferLength, U32_MAX, "optimal transfer length");
        checkRange(maxPrefetchLength, U32_MAX, "maximum prefetch length");
        checkRange(maxUnmapLbaCount, U32_MAX, "maximum unmap LBA count");
        checkRange(maxUnmapBlockDescriptorCount, U32_MAX, "maximum unmap block descriptor count");
        checkRange(optimalUnmapGranularity, U32_MAX, "optimal unmap granularity");
        checkRange(unmapGranularityAlignment, 0x7FFF_FFFFL, "unmap granularity alignment");
    }

    public byte[] encode() {
        byte[] b = Vpd.page(Vpd.BLOCK_LIMITS, PAGE_LENGTH);
        b[4] = (byte) (wsnz ? 1 : 0);
        b[5] = (byte) maxCompareAndWriteLength;
        put16(b, 6, optimalTransferLengthGranularity);
        put32(b, 8, maxTransferLength);
        put32(b, 12, optimalTransferLength);
        put32(b, 16, maxPrefetchLength);
        put32(b, 20, maxUnmapLbaCount);
        put32(b, 24, maxUnmapBlockDescriptorCount);
        put32(b, 28, optimalUnmapGranularity);
        put32(b, 32, (unmapGranularityAlignmentValid ? 0x8000_0000L : 0) | unmapGranularityAlignment);
        put64(b, 36, maxWriteSameLength);
        return b;
    }

    public static BlockLimits decode(byte[] b) throws ScsiFormatException {
        int end = Vpd.check(b, Vpd.BLOCK_LIMITS, "Block Limits");
        return new BlockLimits(
                end > 4 && (b[4] & 1) != 0,
                end >= 6 ? u8(b, 5) : 0,
                end >= 8 ? u16(b, 6) : 0,
                end >= 12 ? u32(b, 8) : 0,
                end >= 16 ? u32(b, 12) : 0,
                end >= 20 ? u32(b, 16) : 0,
                end >= 24 ? u32(b, 20) : 0,
                end >= 28 ? u32(b, 24) : 0,
                end >= 32 ? u32(b, 28) : 0,
                end >= 36 && (b[32] & 0x80) != 0,
                end >= 36 ? u32(b, 32) & 0x7FFF_FFFFL : 0,
                end >= 44 ? u64(b, 36) : 0);
    }
}
