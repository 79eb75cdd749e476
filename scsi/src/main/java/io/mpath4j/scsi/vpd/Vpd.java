package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.needClaimed;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;

/**
 * The common 4-byte VPD page header (SPC-4 §7.8.1): PERIPHERAL QUALIFIER / DEVICE TYPE, PAGE
 * CODE, and a 16-bit PAGE LENGTH counting the bytes after the header. Encoders write peripheral
 * qualifier 0 and device type 0 (a connected direct-access block device).
 */
public final class Vpd {

    private Vpd() {}

    public static final int SUPPORTED_PAGES = 0x00;
    public static final int UNIT_SERIAL_NUMBER = 0x80;
    public static final int DEVICE_IDENTIFICATION = 0x83;
    public static final int BLOCK_LIMITS = 0xB0;
    public static final int BLOCK_DEVICE_CHARACTERISTICS = 0xB1;
    public static final int LOGICAL_BLOCK_PROVISIONING = 0xB2;

    /**
     * The total length the page claims (header included), from its first 4 bytes: what the
     * allocation length of INQUIRY must be to get the whole page.
     */
    public static int requiredLength(byte[] header) throws ScsiFormatException {
        need(header, 4, "VPD page header");
        return 4 + u16(header, 2);
    }

    /**
     * Checks header, page code and length; returns the page's end offset (4 + page length).
     */
    static int check(byte[] b, int pageCode, String name) throws ScsiFormatException {
        need(b, 4, name + " VPD page");
        if (u8(b, 1) != pageCode) {
            throw new ScsiFormatException(String.format("%s VPD page: page code %02Xh, expected %02Xh", name, u8(b, 1), pageCode));
        }
        int end = 4 + u16(b, 2);
        needClaimed(b, end, name + " VPD page");
        return end;
    }

    /** A page buffer of {@code 4 + pageLength} bytes with its header filled in. */
    static byte[] page(int pageCode, int pageLength) {
        if (pageLength > 0xFFFF) {
            throw new IllegalArgumentException("VPD page length " + pageLength + " over 65535");
        }
        byte[] b = new byte[4 + pageLength];
        b[1] = (byte) pageCode;
        put16(b, 2, pageLength);
        return b;
    }
}
