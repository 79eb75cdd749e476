package io.mpath4j.scsi.sense;

import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.needClaimed;
import static io.mpath4j.scsi.ScsiBytes.put24;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u24;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u64;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.Octets;
import io.mpath4j.scsi.ScsiBytes;
import io.mpath4j.scsi.ScsiFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Sense data in either format (SPC-4 §4.5): fixed (response codes 70h current, 71h deferred,
 * §4.5.3) or descriptor (72h current, 73h deferred, §4.5.2). The fixed format's INFORMATION,
 * COMMAND-SPECIFIC INFORMATION, sense-key specific and FRU fields are decoded into
 * {@link SenseDescriptor}s, so both formats read the same. Tape bits (FILEMARK, EOM, ILI) and
 * SDAT_OVFL are not modelled.
 *
 * @param descriptorFormat the format it came in, and the one {@link #encode()} writes
 * @param deferred a deferred error (71h/73h): it belongs to an earlier command, and the command
 *     that received it was not executed (SPC-4 §4.5.5)
 */
public record SenseData(
        boolean descriptorFormat, boolean deferred, SenseKey key, int asc, int ascq, List<SenseDescriptor> descriptors) {

    public SenseData {
        Objects.requireNonNull(key, "key");
        checkRange(asc, 0xFF, "ASC");
        checkRange(ascq, 0xFF, "ASCQ");
        descriptors = List.copyOf(descriptors);
    }

    /** Current, fixed-format sense data without descriptors: what most targets send. */
    public static SenseData of(SenseKey key, int asc, int ascq) {
        return new SenseData(false, false, key, asc, ascq, List.of());
    }

    /** The same sense with an INFORMATION field (for example the failing LBA). */
    public SenseData withInformation(long information) {
        List<SenseDescriptor> d = new ArrayList<>(descriptors.size() + 1);
        d.add(new SenseDescriptor.Information(information));
        for (SenseDescriptor x : descriptors) {
            if (!(x instanceof SenseDescriptor.Information)) {
                d.add(x);
            }
        }
        return new SenseData(descriptorFormat, deferred, key, asc, ascq, d);
    }

    public SenseData inDescriptorFormat(boolean descriptor) {
        return new SenseData(descriptor, deferred, key, asc, ascq, descriptors);
    }

    public SenseData asDeferred(boolean isDeferred) {
        return new SenseData(descriptorFormat, isDeferred, key, asc, ascq, descriptors);
    }

    /** The INFORMATION field, if present (valid). */
    public OptionalLong information() {
        for (SenseDescriptor d : descriptors) {
            if (d instanceof SenseDescriptor.Information(long v)) {
                return OptionalLong.of(v);
            }
        }
        return OptionalLong.empty();
    }

    /** True for this ASC and ASCQ. */
    public boolean is(int asc, int ascq) {
        return this.asc == asc && this.ascq == ascq;
    }

    /** "NOT READY, LOGICAL UNIT IS IN PROCESS OF BECOMING READY (04h/01h)", with "deferred" when it is. */
    public String describe() {
        return (deferred ? "deferred " : "") + key.label() + ", " + AdditionalSense.describe(asc, ascq);
    }

    @Override
    public String toString() {
        return describe();
    }

    public byte[] encode() {
        return descriptorFormat ? encodeDescriptor() : encodeFixed();
    }

    /**
     * Fixed format, 18 bytes. Only the four fixed fields can be carried: an INFORMATION value over
     * 32 bits or an {@link SenseDescriptor.Other} descriptor is a programmer error here (use the
     * descriptor format, SPC-4 §4.5.1).
     */
    public byte[] encodeFixed() {
        byte[] b = new byte[18];
        b[0] = (byte) (deferred ? 0x71 : 0x70);
        b[2] = (byte) key.code();
        b[7] = 10;
        b[12] = (byte) asc;
        b[13] = (byte) ascq;
        for (SenseDescriptor d : descriptors) {
            switch (d) {
                case SenseDescriptor.Information(long v) -> {
                    ScsiBytes.checkRange(v, ScsiBytes.U32_MAX, "INFORMATION in fixed-format sense");
                    b[0] |= (byte) 0x80;
                    put32(b, 3, v);
                }
                case SenseDescriptor.CommandSpecific(long v) -> {
                    ScsiBytes.checkRange(v, ScsiBytes.U32_MAX, "COMMAND-SPECIFIC INFORMATION in fixed-format sense");
                    put32(b, 8, v);
                }
                case SenseDescriptor.FieldReplaceableUnit(int code) -> b[14] = (byte) code;
                case SenseDescriptor.SenseKeySpecific(int bits) -> put24(b, 15, 0x80_0000 | bits);
                case SenseDescriptor.Other o -> throw new IllegalArgumentException(
                        "descriptor type " + o.type() + " has no place in fixed-format sense data");
            }
        }
        return b;
    }

    /** Descriptor format: 8-byte header and the descriptors in list order. */
    public byte[] encodeDescriptor() {
        int len = 8;
        for (SenseDescriptor d : descriptors) {
            len += descriptorLength(d);
        }
        checkRange(len - 8, 0xFF, "additional sense length");
        byte[] b = new byte[len];
        b[0] = (byte) (deferred ? 0x73 : 0x72);
        b[1] = (byte) key.code();
        b[2] = (byte) asc;
        b[3] = (byte) ascq;
        b[7] = (byte) (len - 8);
        int off = 8;
        for (SenseDescriptor d : descriptors) {
            int dl = descriptorLength(d);
            b[off] = (byte) d.type();
            b[off + 1] = (byte) (dl - 2);
            switch (d) {
                case SenseDescriptor.Information(long v) -> {
                    b[off + 2] = (byte) 0x80; // VALID
                    put64(b, off + 4, v);
                }
                case SenseDescriptor.CommandSpecific(long v) -> put64(b, off + 4, v);
                case SenseDescriptor.SenseKeySpecific(int bits) -> put24(b, off + 4, 0x80_0000 | bits);
                case SenseDescriptor.FieldReplaceableUnit(int code) -> b[off + 3] = (byte) code;
                case SenseDescriptor.Other o -> o.data().copyTo(b, off + 2);
            }
            off += dl;
        }
        return b;
    }

    private static int descriptorLength(SenseDescriptor d) {
        return switch (d) {
            case SenseDescriptor.Information i -> 12;
            case SenseDescriptor.CommandSpecific c -> 12;
            case SenseDescriptor.SenseKeySpecific s -> 8;
            case SenseDescriptor.FieldReplaceableUnit f -> 4;
            case SenseDescriptor.Other o -> 2 + o.data().length();
        };
    }

    /**
     * Decodes sense data of either format. The buffer must hold the 8-byte header and the whole
     * ADDITIONAL SENSE LENGTH it announces; bytes after that are ignored (sense buffers are often
     * zero-padded). In the fixed format, fields beyond the additional length are absent (ASC and
     * ASCQ read as 0).
     */
    public static SenseData decode(byte[] b) throws ScsiFormatException {
        need(b, 8, "sense data");
        int code = b[0] & 0x7F;
        if (code < 0x70 || code > 0x73) {
            throw new ScsiFormatException(String.format("sense data: response code %02Xh is not 70h-73h", code));
        }
        int end = 8 + u8(b, 7);
        needClaimed(b, end, "sense data");
        boolean deferred = code == 0x71 || code == 0x73;
        return code <= 0x71 ? decodeFixed(b, end, deferred) : decodeDescriptor(b, end, deferred);
    }

    private static SenseData decodeFixed(byte[] b, int end, boolean deferred) {
        List<SenseDescriptor> d = new ArrayList<>(4);
        if ((b[0] & 0x80) != 0) {
            d.add(new SenseDescriptor.Information(u32(b, 3)));
        }
        if (end >= 12 && u32(b, 8) != 0) {
            d.add(new SenseDescriptor.CommandSpecific(u32(b, 8)));
        }
        int asc = end >= 13 ? u8(b, 12) : 0;
        int ascq = end >= 14 ? u8(b, 13) : 0;
        if (end >= 15 && b[14] != 0) {
            d.add(new SenseDescriptor.FieldReplaceableUnit(u8(b, 14)));
        }
        if (end >= 18 && (b[15] & 0x80) != 0) {
            d.add(new SenseDescriptor.SenseKeySpecific(u24(b, 15) & 0x7F_FFFF));
        }
        return new SenseData(false, deferred, SenseKey.of(b[2]), asc, ascq, d);
    }

    private static SenseData decodeDescriptor(byte[] b, int end, boolean deferred) throws ScsiFormatException {
        List<SenseDescriptor> d = new ArrayList<>();
        int off = 8;
        while (off < end) {
            if (off + 2 > end) {
                throw new ScsiFormatException("sense data: descriptor header at offset " + off + " runs past the end (" + end + ")");
            }
            int type = u8(b, off);
            int len = u8(b, off + 1);
            if (off + 2 + len > end) {
                throw new ScsiFormatException("sense data: descriptor type " + type + " at offset " + off
                        + " with length " + len + " runs past the end (" + end + ")");
            }
            d.add(switch (type) {
                case 0x00 -> len >= 10 && (b[off + 2] & 0x80) != 0
                        ? new SenseDescriptor.Information(u64(b, off + 4))
                        : new SenseDescriptor.Other(type, Octets.of(b, off + 2, len));
                case 0x01 -> len >= 10
                        ? new SenseDescriptor.CommandSpecific(u64(b, off + 4))
                        : new SenseDescriptor.Other(type, Octets.of(b, off + 2, len));
                case 0x02 -> len >= 6 && (b[off + 4] & 0x80) != 0
                        ? new SenseDescriptor.SenseKeySpecific(u24(b, off + 4) & 0x7F_FFFF)
                        : new SenseDescriptor.Other(type, Octets.of(b, off + 2, len));
                case 0x03 -> len >= 2
                        ? new SenseDescriptor.FieldReplaceableUnit(u8(b, off + 3))
                        : new SenseDescriptor.Other(type, Octets.of(b, off + 2, len));
                default -> new SenseDescriptor.Other(type, Octets.of(b, off + 2, len));
            });
            off += 2 + len;
        }
        return new SenseData(true, deferred, SenseKey.of(b[1]), u8(b, 2), u8(b, 3), d);
    }
}
