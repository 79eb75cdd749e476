package io.mpath4j.scsi.data;

import static io.mpath4j.scsi.ScsiBytes.checkRange;

/**
 * An 8-byte LUN (SAM-5 §4.7). Targets like LIO and tgt use the single-level peripheral device
 * addressing method (00b, LUN 0-255) and flat space addressing (01b, LUN 0-16383); other
 * methods and levels are kept raw. {@link #of(int)} chooses like Linux int_to_scsilun: peripheral
 * below 256, flat above.
 *
 * @param raw the 8 bytes, big-endian
 */
public record Lun(long raw) {

    public enum AddressMethod {
        PERIPHERAL,
        FLAT,
        LOGICAL_UNIT,
        EXTENDED
    }

    public static Lun of(int lun) {
        checkRange(lun, 0x3FFF, "LUN");
        long first = lun < 256 ? lun : (0x4000 | lun);
        return new Lun(first << 48);
    }

    public AddressMethod method() {
        return AddressMethod.values()[(int) (raw >>> 62)];
    }

    /** True when levels two to four are zero: a single-level LUN. */
    public boolean singleLevel() {
        return (raw & 0xFFFF_FFFF_FFFFL) == 0;
    }

    /**
     * The LUN number for single-level peripheral or flat addressing; -1 for anything else (a
     * target bus id, more levels, other methods).
     */
    public int number() {
        if (!singleLevel()) {
            return -1;
        }
        int first = (int) (raw >>> 48);
        return switch (method()) {
            case PERIPHERAL -> (first >>> 8 & 0x3F) == 0 ? first & 0xFF : -1;
            case FLAT -> first & 0x3FFF;
            default -> -1;
        };
    }

    @Override
    public String toString() {
        int n = number();
        return n >= 0 ? Integer.toString(n) : String.format("0x%016x", raw);
    }
}
