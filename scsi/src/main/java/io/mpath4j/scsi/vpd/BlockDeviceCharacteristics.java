package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;

/**
 * Block Device Characteristics page, B1h (SBC-3 §6.5.2; SBC-4 adds ZONED, FUAB, VBULS), page
 * length 3Ch. Fields past a shorter page length decode as 0.
 *
 * @param mediumRotationRate 0 not reported, 1 non-rotating medium (solid state), 0401h-FFFEh
 *     nominal rpm
 * @param nominalFormFactor 0 not reported, 1 5.25", 2 3.5", 3 2.5", 4 1.8", 5 under 1.8"
 */
public record BlockDeviceCharacteristics(
        int mediumRotationRate, int productType, int wabereq, int wacereq, int nominalFormFactor, int zoned,
        boolean fuab, boolean vbuls) {

    public static final int NON_ROTATING = 1;
    public static final int PAGE_LENGTH = 0x3C;

    public BlockDeviceCharacteristics {
        checkRange(mediumRotationRate, 0xFFFF, "medium rotation rate");
        checkRange(productType, 0xFF, "product type");
        checkRange(wabereq, 3, "WABEREQ");
        checkRange(wacereq, 3, "WACEREQ");
        checkRange(nominalFormFactor, 0xF, "nominal form factor");
        checkRange(zoned, 3, "ZONED");
    }

    public static BlockDeviceCharacteristics solidState() {
        return new BlockDeviceCharacteristics(NON_ROTATING, 0, 0, 0, 0, 0, false, false);
    }

    public boolean nonRotating() {
        return mediumRotationRate == NON_ROTATING;
    }

    public byte[] encode() {
        byte[] b = Vpd.page(Vpd.BLOCK_DEVICE_CHARACTERISTICS, PAGE_LENGTH);
        put16(b, 4, mediumRotationRate);
        b[6] = (byte) productType;
        b[7] = (byte) (wabereq << 6 | wacereq << 4 | nominalFormFactor);
        b[8] = (byte) (zoned << 4 | (fuab ? 0x02 : 0) | (vbuls ? 0x01 : 0));
        return b;
    }

    public static BlockDeviceCharacteristics decode(byte[] b) throws ScsiFormatException {
        int end = Vpd.check(b, Vpd.BLOCK_DEVICE_CHARACTERISTICS, "Block Device Characteristics");
        int b7 = end >= 8 ? u8(b, 7) : 0;
        int b8 = end >= 9 ? u8(b, 8) : 0;
        return new BlockDeviceCharacteristics(
                end >= 6 ? u16(b, 4) : 0,
                end >= 7 ? u8(b, 6) : 0,
                b7 >>> 6,
                (b7 >>> 4) & 3,
                b7 & 0xF,
                (b8 >>> 4) & 3,
                (b8 & 0x02) != 0,
                (b8 & 0x01) != 0);
    }
}
