package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;

/**
 * Logical Block Provisioning page, B2h (SBC-3 §6.5.4; LBPRZ widened to 3 bits in SBC-4). Linux sd
 * chooses its discard method from LBPU (UNMAP), LBPWS (WRITE SAME(16) with UNMAP) and LBPWS10.
 * The optional provisioning group descriptor (DP set) is not modelled: decoding skips it, and
 * encoding writes the 8-byte page without it.
 *
 * @param provisioningType 0 fully provisioned, 1 resource provisioned, 2 thin provisioned
 */
public record LogicalBlockProvisioning(
        int thresholdExponent, boolean lbpu, boolean lbpws, boolean lbpws10, int lbprz, boolean ancSup,
        int minimumPercentage, int provisioningType, int thresholdPercentage) {

    public LogicalBlockProvisioning {
        checkRange(thresholdExponent, 0xFF, "threshold exponent");
        checkRange(lbprz, 7, "LBPRZ");
        checkRange(minimumPercentage, 0x1F, "minimum percentage");
        checkRange(provisioningType, 7, "provisioning type");
        checkRange(thresholdPercentage, 0xFF, "threshold percentage");
    }

    /** Thin provisioning with UNMAP and WRITE SAME(16)+UNMAP, unmapped blocks reading zeros. */
    public static LogicalBlockProvisioning thin() {
        return new LogicalBlockProvisioning(0, true, true, false, 1, false, 0, 2, 0);
    }

    public byte[] encode() {
        byte[] b = Vpd.page(Vpd.LOGICAL_BLOCK_PROVISIONING, 4);
        b[4] = (byte) thresholdExponent;
        b[5] = (byte) ((lbpu ? 0x80 : 0) | (lbpws ? 0x40 : 0) | (lbpws10 ? 0x20 : 0) | lbprz << 2 | (ancSup ? 0x02 : 0));
        b[6] = (byte) (minimumPercentage << 3 | provisioningType);
        b[7] = (byte) thresholdPercentage;
        return b;
    }

    public static LogicalBlockProvisioning decode(byte[] b) throws ScsiFormatException {
        int end = Vpd.check(b, Vpd.LOGICAL_BLOCK_PROVISIONING, "Logical Block Provisioning");
        if (end < 8) {
            throw new ScsiFormatException("Logical Block Provisioning VPD page: page length " + (end - 4) + ", need 4");
        }
        int f = u8(b, 5);
        return new LogicalBlockProvisioning(u8(b, 4), (f & 0x80) != 0, (f & 0x40) != 0, (f & 0x20) != 0,
                (f >>> 2) & 7, (f & 0x02) != 0, u8(b, 6) >>> 3, b[6] & 7, u8(b, 7));
    }
}
