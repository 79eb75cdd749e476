package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.ascii;
import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.putAscii;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;
import java.util.Objects;

/**
 * Standard INQUIRY data (SPC-4 §6.6.2), the first 36 bytes; version descriptors and vendor
 * specific bytes after byte 35 are not modelled. Strings are trimmed of trailing spaces.
 *
 * @param peripheralQualifier 0 connected, 1 not connected, 3 no logical unit at this LUN
 * @param deviceType 00h direct access block device, 1Fh unknown
 * @param version 06h for SPC-4, 07h for SPC-5
 * @param tpgs TARGET PORT GROUP SUPPORT (SPC-4 §6.6.2, §5.15.2.1): 0 no ALUA, 1 implicit only,
 *     2 explicit only (SET TARGET PORT GROUPS), 3 both
 */
public record StandardInquiry(
        int peripheralQualifier,
        int deviceType,
        boolean removable,
        int version,
        boolean normAca,
        boolean hiSup,
        int responseDataFormat,
        boolean sccs,
        boolean acc,
        int tpgs,
        boolean thirdPartyCopy,
        boolean protect,
        boolean multiPort,
        boolean cmdQue,
        String vendor,
        String product,
        String revision) {

    public static final int LENGTH = 36;

    public StandardInquiry {
        checkRange(peripheralQualifier, 7, "peripheral qualifier");
        checkRange(deviceType, 0x1F, "device type");
        checkRange(version, 0xFF, "version");
        checkRange(responseDataFormat, 0xF, "response data format");
        checkRange(tpgs, 3, "TPGS");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(revision, "revision");
    }

    /**
     * What a modern disk target answers: connected direct-access device, SPC-4, HiSup, response
     * data format 2, command queuing.
     */
    public static StandardInquiry disk(String vendor, String product, String revision, int tpgs, boolean multiPort) {
        return new StandardInquiry(0, 0, false, 0x06, false, true, 2, false, false, tpgs, false, false, multiPort, true,
                vendor, product, revision);
    }

    public boolean implicitAlua() {
        return (tpgs & 1) != 0;
    }

    public boolean explicitAlua() {
        return (tpgs & 2) != 0;
    }

    /** 36 bytes, ADDITIONAL LENGTH 31. */
    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        b[0] = (byte) (peripheralQualifier << 5 | deviceType);
        b[1] = (byte) (removable ? 0x80 : 0);
        b[2] = (byte) version;
        b[3] = (byte) ((normAca ? 0x20 : 0) | (hiSup ? 0x10 : 0) | responseDataFormat);
        b[4] = (byte) (LENGTH - 5);
        b[5] = (byte) ((sccs ? 0x80 : 0) | (acc ? 0x40 : 0) | tpgs << 4 | (thirdPartyCopy ? 0x08 : 0) | (protect ? 0x01 : 0));
        b[6] = (byte) (multiPort ? 0x10 : 0);
        b[7] = (byte) (cmdQue ? 0x02 : 0);
        putAscii(b, 8, 8, vendor);
        putAscii(b, 16, 16, product);
        putAscii(b, 32, 4, revision);
        return b;
    }

    /**
     * Decodes the first 36 bytes. The data may be longer than the buffer (an initiator asking
     * for 36 bytes gets a truncated answer, SPC-4 §4.2.5.6, which is fine), but both the buffer and
     * the ADDITIONAL LENGTH must cover the 36 bytes.
     */
    public static StandardInquiry decode(byte[] b) throws ScsiFormatException {
        need(b, 5, "standard INQUIRY data");
        int claimed = 5 + u8(b, 4);
        if (claimed < LENGTH) {
            throw new ScsiFormatException("standard INQUIRY data: ADDITIONAL LENGTH " + u8(b, 4)
                    + " is shorter than the 36-byte standard data");
        }
        need(b, LENGTH, "standard INQUIRY data");
        return new StandardInquiry(
                (b[0] & 0xE0) >>> 5,
                b[0] & 0x1F,
                (b[1] & 0x80) != 0,
                u8(b, 2),
                (b[3] & 0x20) != 0,
                (b[3] & 0x10) != 0,
                b[3] & 0x0F,
                (b[5] & 0x80) != 0,
                (b[5] & 0x40) != 0,
                (b[5] & 0x30) >>> 4,
                (b[5] & 0x08) != 0,
                (b[5] & 0x01) != 0,
                (b[6] & 0x10) != 0,
                (b[7] & 0x02) != 0,
                ascii(b, 8, 8),
                ascii(b, 16, 16),
                ascii(b, 32, 4));
    }
}
