package io.mpath4j.scsi.alua;

import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.needClaimed;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * REPORT TARGET PORT GROUPS parameter data (SPC-4 §6.27.2): a 4-byte RETURN DATA LENGTH (bytes
 * after it), optionally the extended header (byte 4: FORMAT TYPE 001b in bits 6-4; byte 5:
 * IMPLICIT TRANSITION TIME in seconds, 0 = unspecified), then the group descriptors.
 *
 * <p>Which header a response has is told by byte 4 as Linux scsi_dh_alua does
 * ({@code (buf[4] & 0x70) == 0x10}): in the length-only format byte 4 is the first descriptor's
 * PREF/state byte, whose bits 6-4 are reserved (zero).
 */
public record ReportTargetPortGroupsData(
        boolean extendedHeader, int implicitTransitionTime, List<TargetPortGroupDescriptor> groups) {

    public ReportTargetPortGroupsData {
        checkRange(implicitTransitionTime, 0xFF, "implicit transition time");
        if (!extendedHeader && implicitTransitionTime != 0) {
            throw new IllegalArgumentException("implicit transition time needs the extended header");
        }
        groups = List.copyOf(groups);
    }

    /** The total length claimed by the first 4 bytes: the allocation length needed. */
    public static long requiredLength(byte[] header) throws ScsiFormatException {
        need(header, 4, "REPORT TARGET PORT GROUPS data");
        return 4 + u32(header, 0);
    }

    /** The group with this id. */
    public Optional<TargetPortGroupDescriptor> group(int groupId) {
        return groups.stream().filter(g -> g.groupId() == groupId).findFirst();
    }

    /** The group that contains this relative target port. */
    public Optional<TargetPortGroupDescriptor> groupOfPort(int relativeTargetPort) {
        return groups.stream().filter(g -> g.relativeTargetPorts().contains(relativeTargetPort)).findFirst();
    }

    public byte[] encode() {
        int len = extendedHeader ? 8 : 4;
        for (TargetPortGroupDescriptor g : groups) {
            len += g.length();
        }
        byte[] b = new byte[len];
        put32(b, 0, len - 4);
        int off = 4;
        if (extendedHeader) {
            b[4] = 0x10;
            b[5] = (byte) implicitTransitionTime;
            off = 8;
        }
        for (TargetPortGroupDescriptor g : groups) {
            b[off] = (byte) ((g.preferred() ? 0x80 : 0) | g.stateCode());
            b[off + 1] = (byte) g.supportedStates();
            put16(b, off + 2, g.groupId());
            b[off + 5] = (byte) g.statusCode();
            b[off + 6] = (byte) g.vendorSpecific();
            b[off + 7] = (byte) g.relativeTargetPorts().size();
            for (int i = 0; i < g.relativeTargetPorts().size(); i++) {
                put16(b, off + 8 + 4 * i + 2, g.relativeTargetPorts().get(i));
            }
            off += g.length();
        }
        return b;
    }

    /** Decodes the whole data; every descriptor must lie within RETURN DATA LENGTH. */
    public static ReportTargetPortGroupsData decode(byte[] b) throws ScsiFormatException {
        need(b, 4, "REPORT TARGET PORT GROUPS data");
        long end = 4 + u32(b, 0);
        needClaimed(b, end, "REPORT TARGET PORT GROUPS data");
        boolean ext = end > 4 && (b[4] & 0x70) == 0x10;
        int off = 4;
        int time = 0;
        if (ext) {
            if (end < 8) {
                throw new ScsiFormatException("REPORT TARGET PORT GROUPS data: extended header but return data length "
                        + (end - 4));
            }
            time = u8(b, 5);
            off = 8;
        }
        List<TargetPortGroupDescriptor> groups = new ArrayList<>();
        while (off < end) {
            if (off + 8 > end) {
                throw new ScsiFormatException("REPORT TARGET PORT GROUPS data: descriptor at offset " + off
                        + " runs past the end " + end);
            }
            int count = u8(b, off + 7);
            if (off + 8 + 4L * count > end) {
                throw new ScsiFormatException("REPORT TARGET PORT GROUPS data: descriptor at offset " + off + " with "
                        + count + " target ports runs past the end " + end);
            }
            List<Integer> ports = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ports.add(u16(b, off + 8 + 4 * i + 2));
            }
            groups.add(new TargetPortGroupDescriptor((b[off] & 0x80) != 0, b[off] & 0x0F, u8(b, off + 1),
                    u16(b, off + 2), u8(b, off + 5), u8(b, off + 6), ports));
            off += 8 + 4 * count;
        }
        return new ReportTargetPortGroupsData(ext, time, groups);
    }
}
