package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The WWID of a logical unit from its Device Identification VPD page, computed exactly as
 * multipath-tools' {@code parse_vpd_pg83()} (libmultipath/discovery.c) does, so that our device
 * names, {@code multipaths { multipath { wwid ... } } } sections and blacklists match the ones an
 * administrator already has.
 *
 * <p>Selection, walking the descriptors in page order:
 * <ul>
 *   <li>only ASSOCIATION 0 (logical unit) counts; 1 and 2 (port, device) are skipped, 3
 *       (reserved) is invalid. PIV and the protocol identifier are not looked at (they only
 *       qualify port and device designators);
 *   <li>each type has a priority, and a designator of a higher priority replaces the current
 *       choice; among equal priorities the first wins:
 *       <table>
 *         <tr><th>priority</th><th>designator</th><th>valid when DESIGNATOR LENGTH is</th></tr>
 *         <tr><td>8</td><td>NAA 6, IEEE Registered Extended</td><td>16</td></tr>
 *         <tr><td>7</td><td>NAA 5, IEEE Registered</td><td>8</td></tr>
 *         <tr><td>6</td><td>NAA 2, IEEE Extended</td><td>8</td></tr>
 *         <tr><td>4</td><td>EUI-64</td><td>8, 12 or 16</td></tr>
 *         <tr><td>3</td><td>SCSI name string</td><td>&ge; 4 and starting "eui.", "naa." or "iqn."</td></tr>
 *         <tr><td>2</td><td>T10 vendor id</td><td>&ge; 8</td></tr>
 *         <tr><td>1</td><td>NAA 3, Locally Assigned</td><td>8</td></tr>
 *         <tr><td>none</td><td>other NAA values, vendor specific, MD5, LU group, UUID, reserved types</td><td></td></tr>
 *       </table>
 *       Note that a locally assigned NAA ranks below a T10 vendor id, and a SCSI name string
 *       above it (scsi_debug's page shows the effect: its NAA 3 loses to its T10 id);
 *   <li>an invalid designator is skipped and the walk goes on; a descriptor running past the
 *       page length ends the walk, keeping the best designator found before it. The page length
 *       is taken from the header, capped by the bytes actually received.
 * </ul>
 *
 * <p>Formatting, with the designator truncated to 128 bytes (WWID_SIZE):
 * <ul>
 *   <li>NAA and EUI-64: the designator type digit ('3' NAA, '2' EUI-64) and the designator in
 *       lowercase hex ({@code 36001405...});
 *   <li>SCSI name string: '2' for "eui.", '3' for "naa.", '8' otherwise ("iqn."), then the string
 *       <em>after</em> its 4-character prefix, cut at the first NUL; lowercased except for '8';
 *   <li>T10 vendor id: '1' and the text with each run of spaces replaced by one '_' and trailing
 *       spaces dropped ({@code "Linux   scsi_debug      2000"} gives
 *       {@code 1Linux_scsi_debug_2000}), cut at the first NUL;
 *   <li>the result is at most 127 characters (an odd number for hex, so whole bytes).
 * </ul>
 *
 * <p>multipathd itself takes the WWID from udev's ID_SERIAL (its default uid_attribute), which on
 * current distributions comes from sg3_utils' 55-scsi-sg3_id.rules ({@code sg_inq --export} of
 * page 83h; systemd's scsi_id in 60-persistent-storage.rules only runs when that set nothing), and
 * falls back to this very parse of sysfs {@code vpd_pg83} when ID_SERIAL is empty. The rules agree
 * with the parse above for NAA 6/5/2 ('3' + hex, same order), EUI-64 ('2' + hex) and T10 vendor
 * id ('1' + text, runs of spaces as one '_'), and for a unit with only NAA 3 (the rules set no
 * ID_SERIAL by default, so multipathd falls back to the parse: '3' + hex). They differ for:
 * <ul>
 *   <li>SCSI name strings: the rules keep the prefix ({@code 8iqn.…}, {@code 8naa.…}, {@code
 *       8eui.…}) where the parse drops it and re-types it ({@code 8…}, {@code 3…}, {@code 2…});
 *       this only shows for a unit whose best designator is a name string (no NAA 5/6/2, no EUI-64);
 *   <li>SAT (ATA behind SCSI) units: the rules prefer the ATA id over NAA.
 * </ul>
 * We keep multipath-tools' parse: it is what multipathd computes itself, it is the same for every
 * NAA, EUI-64 and T10 unit, which covers the arrays and LIO/tgt LUs iSCSI paths lead to (tgt: NAA
 * 6), and the two differing cases are rare on iSCSI. docs/architecture.md "SCSI: status and sense
 * classification" (end) records the decision.
 */
public final class Wwid {

    private Wwid() {}

    /** WWID_SIZE in libmultipath/structs.h: the output buffer, NUL included. */
    static final int WWID_SIZE = 128;

    /**
     * The WWID from a Device Identification page as received, or empty when no designator
     * qualifies.
     *
     * @throws ScsiFormatException when the buffer is not a page 83h (under 4 bytes, other page
     *     code); malformed descriptors inside are handled as described above, like multipath-tools
     */
    public static Optional<String> fromVpd83(byte[] page) throws ScsiFormatException {
        need(page, 4, "Device Identification VPD page");
        if (u8(page, 1) != Vpd.DEVICE_IDENTIFICATION) {
            throw new ScsiFormatException(String.format("Device Identification VPD page: page code %02Xh", u8(page, 1)));
        }
        int inLen = Math.min(4 + u16(page, 2), page.length);
        int best = -1;
        int prio = -1;
        int off = 4;
        while (off + 4 <= inLen) {
            int len = u8(page, off + 3);
            if (off + 4 + len > inLen) {
                break; // "device descriptor length overflow"
            }
            int association = (page[off + 1] & 0x30) >>> 4;
            int p = association == 0 ? priority(page, off, len) : -1;
            if (p > prio) {
                best = off;
                prio = p;
            }
            off += 4 + len;
        }
        if (prio <= 0) {
            return Optional.empty();
        }
        return Optional.of(format(page, best));
    }

    /** Priority of a logical-unit designator at {@code off}, or -1 when it is invalid or never used. */
    private static int priority(byte[] b, int off, int len) {
        int type = b[off + 1] & 0x0F;
        return switch (type) {
            case 3 -> {
                int naa = len > 0 ? u8(b, off + 4) >>> 4 : -1;
                yield switch (naa) {
                    case 6 -> len == 16 ? 8 : -1;
                    case 5 -> len == 8 ? 7 : -1;
                    case 2 -> len == 8 ? 6 : -1;
                    case 3 -> len == 8 ? 1 : -1;
                    default -> -1;
                };
            }
            case 2 -> len == 8 || len == 12 || len == 16 ? 4 : -1;
            case 8 -> len >= 4 && (prefix(b, off + 4, "eui.") || prefix(b, off + 4, "naa.") || prefix(b, off + 4, "iqn."))
                    ? 3
                    : -1;
            case 1 -> len >= 8 ? 2 : -1;
            default -> -1;
        };
    }

    private static boolean prefix(byte[] b, int off, String p) {
        for (int i = 0; i < p.length(); i++) {
            if (b[off + i] != p.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String format(byte[] b, int off) {
        int type = b[off + 1] & 0x0F;
        int len = Math.min(u8(b, off + 3), WWID_SIZE);
        int v = off + 4;
        StringBuilder s = new StringBuilder(2 * len + 1);
        switch (type) {
            case 2, 3 -> {
                s.append(type);
                for (int i = 0; i < len; i++) {
                    s.append(Character.forDigit(u8(b, v + i) >>> 4, 16)).append(Character.forDigit(b[v + i] & 0xF, 16));
                }
                if (s.length() >= WWID_SIZE) {
                    s.setLength(2 * (WWID_SIZE / 2) - 1);
                }
                return s.toString();
            }
            case 8 -> {
                char digit = prefix(b, v, "eui.") ? '2' : prefix(b, v, "naa.") ? '3' : '8';
                String rest = cutAtNul(new String(b, v + 4, len - 4, StandardCharsets.ISO_8859_1));
                s.append(digit).append(digit == '8' ? rest : asciiLower(rest));
            }
            default -> { // 1: T10 vendor id
                s.append('1');
                int i = v;
                int end = v + len;
                while (i < end) {
                    if (b[i] == ' ') {
                        while (i < end && b[i] == ' ') {
                            i++;
                        }
                        if (i < end) {
                            s.append('_');
                        }
                    } else {
                        s.append((char) (b[i] & 0xff));
                        i++;
                    }
                }
                String t = cutAtNul(s.toString());
                s.setLength(0);
                s.append(t);
            }
        }
        if (s.length() >= WWID_SIZE) {
            s.setLength(WWID_SIZE - 1);
        }
        return s.toString();
    }

    /** C tolower() in the C locale: ASCII letters only. */
    private static String asciiLower(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'A' && c[i] <= 'Z') {
                c[i] = (char) (c[i] + ('a' - 'A'));
            }
        }
        return new String(c);
    }

    private static String cutAtNul(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }
}
