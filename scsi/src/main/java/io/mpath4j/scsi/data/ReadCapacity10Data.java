package io.mpath4j.scsi.data;

import static io.mpath4j.scsi.ScsiBytes.U32_MAX;
import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.u32;

import io.mpath4j.scsi.ScsiFormatException;

/**
 * READ CAPACITY(10) parameter data (SBC-3 §5.15.2), 8 bytes. {@code lastLba} FFFFFFFFh means the
 * capacity does not fit: issue READ CAPACITY(16).
 */
public record ReadCapacity10Data(long lastLba, long blockLength) {

    public static final int LENGTH = 8;

    public ReadCapacity10Data {
        checkRange(lastLba, U32_MAX, "returned logical block address");
        checkRange(blockLength, U32_MAX, "logical block length");
    }

    /** For a target: the capacity in blocks, saturated to FFFFFFFFh as SBC-3 requires. */
    public static ReadCapacity10Data of(long blocks, long blockLength) {
        return new ReadCapacity10Data(Math.min(blocks - 1, U32_MAX), blockLength);
    }

    /** True when the unit is too large for this command. */
    public boolean needs16() {
        return lastLba == U32_MAX;
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        put32(b, 0, lastLba);
        put32(b, 4, blockLength);
        return b;
    }

    public static ReadCapacity10Data decode(byte[] b) throws ScsiFormatException {
        need(b, LENGTH, "READ CAPACITY(10) data");
        return new ReadCapacity10Data(u32(b, 0), u32(b, 4));
    }
}
