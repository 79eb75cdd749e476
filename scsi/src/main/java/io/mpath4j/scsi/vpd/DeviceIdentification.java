package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.vpd.DesignationDescriptor.Association;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Device Identification page, 83h (SPC-4 §7.8.6): a list of designation descriptors naming the
 * logical unit, the target port the INQUIRY came through, its target port group, and the target
 * device. The WWID of the unit is derived by {@link Wwid}.
 */
public record DeviceIdentification(List<DesignationDescriptor> descriptors) {

    public DeviceIdentification {
        descriptors = List.copyOf(descriptors);
    }

    public byte[] encode() {
        int len = 0;
        for (DesignationDescriptor d : descriptors) {
            len += d.length();
        }
        byte[] b = Vpd.page(Vpd.DEVICE_IDENTIFICATION, len);
        int off = 4;
        for (DesignationDescriptor d : descriptors) {
            d.encodeInto(b, off);
            off += d.length();
        }
        return b;
    }

    /**
     * Decodes the page. Every descriptor must lie within the page length; a descriptor running
     * past it makes the page invalid (multipath-tools stops there too, with -EOVERFLOW).
     */
    public static DeviceIdentification decode(byte[] b) throws ScsiFormatException {
        int end = Vpd.check(b, Vpd.DEVICE_IDENTIFICATION, "Device Identification");
        List<DesignationDescriptor> list = new ArrayList<>();
        int off = 4;
        while (off < end) {
            if (off + 4 > end) {
                throw new ScsiFormatException("Device Identification VPD page: descriptor header at offset " + off
                        + " runs past the page end " + end);
            }
            int len = u8(b, off + 3);
            if (off + 4 + len > end) {
                throw new ScsiFormatException("Device Identification VPD page: descriptor at offset " + off
                        + " with length " + len + " runs past the page end " + end);
            }
            list.add(new DesignationDescriptor(
                    (b[off] & 0xF0) >>> 4,
                    b[off] & 0x0F,
                    (b[off + 1] & 0x80) != 0,
                    Association.of((b[off + 1] & 0x30) >>> 4),
                    Designator.decode(b[off + 1] & 0x0F, b, off + 4, len)));
            off += 4 + len;
        }
        return new DeviceIdentification(list);
    }

    /** The first designator of this class with this association. */
    public <T extends Designator> Optional<T> find(Class<T> type, Association association) {
        for (DesignationDescriptor d : descriptors) {
            if (d.association() == association && type.isInstance(d.designator())) {
                return Optional.of(type.cast(d.designator()));
            }
        }
        return Optional.empty();
    }

    /** The RELATIVE TARGET PORT IDENTIFIER of the port the page came through (what sg_inq calls "Relative target port"). */
    public OptionalInt relativeTargetPort() {
        return find(Designator.RelativeTargetPort.class, Association.TARGET_PORT)
                .map(p -> OptionalInt.of(p.id()))
                .orElse(OptionalInt.empty());
    }

    /** The TARGET PORT GROUP of the port the page came through: the key into REPORT TARGET PORT GROUPS. */
    public OptionalInt targetPortGroup() {
        return find(Designator.TargetPortGroup.class, Association.TARGET_PORT)
                .map(p -> OptionalInt.of(p.id()))
                .orElse(OptionalInt.empty());
    }

    /** The WWID multipath-tools would derive from this page ({@link Wwid#fromVpd83}). */
    public Optional<String> wwid() {
        try {
            return Wwid.fromVpd83(encode());
        } catch (ScsiFormatException e) {
            throw new AssertionError("own encoding unreadable", e);
        }
    }
}
