package io.mpath4j.scsi.vpd;

import io.mpath4j.scsi.ScsiFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Unit Serial Number page, 80h (SPC-4 §7.8.15): ASCII, right-aligned in practice. Decoding strips
 * leading and trailing spaces as multipath-tools' parse_vpd_pg80 does (libmultipath/discovery.c)
 * and stops at a NUL.
 */
public record UnitSerialNumber(String serial) {

    public UnitSerialNumber {
        Objects.requireNonNull(serial, "serial");
    }

    public byte[] encode() {
        byte[] s = serial.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = Vpd.page(Vpd.UNIT_SERIAL_NUMBER, s.length);
        System.arraycopy(s, 0, b, 4, s.length);
        return b;
    }

    public static UnitSerialNumber decode(byte[] b) throws ScsiFormatException {
        int end = Vpd.check(b, Vpd.UNIT_SERIAL_NUMBER, "Unit Serial Number");
        int from = 4;
        int to = from;
        while (to < end && b[to] != 0) {
            to++;
        }
        while (from < to && b[from] == ' ') {
            from++;
        }
        while (to > from && b[to - 1] == ' ') {
            to--;
        }
        return new UnitSerialNumber(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }
}
