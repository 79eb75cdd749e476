package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.u16;

import io.mpath4j.scsi.Octets;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The DESIGNATOR field of a designation descriptor, by DESIGNATOR TYPE (SPC-4 §7.8.6.1, table
 * "Designator type"). A designator whose length does not fit its type (an NAA of 5 bytes, a
 * relative port of 2) decodes as {@link Other}, so one bad descriptor does not make the page
 * unreadable.
 */
public sealed interface Designator {

    /** The DESIGNATOR TYPE code. */
    int type();

    /** The designator bytes as sent. */
    Octets value();

    /** The CODE SET to send it with (1 binary, 2 ASCII, 3 UTF-8). */
    default int defaultCodeSet() {
        return DesignationDescriptor.CODE_SET_BINARY;
    }

    /** Type 0: vendor specific. */
    record VendorSpecific(Octets value) implements Designator {
        public int type() {
            return 0;
        }
    }

    /** Type 1 (SPC-4 §7.8.6.4): T10 VENDOR IDENTIFICATION (8 ASCII bytes) and a vendor specific identifier. */
    record T10VendorId(Octets value) implements Designator {
        public static T10VendorId of(String vendor, String vendorSpecific) {
            byte[] s = vendorSpecific.getBytes(StandardCharsets.ISO_8859_1);
            byte[] b = new byte[8 + s.length];
            io.mpath4j.scsi.ScsiBytes.putAscii(b, 0, 8, vendor);
            System.arraycopy(s, 0, b, 8, s.length);
            return new T10VendorId(Octets.of(b));
        }

        public int type() {
            return 1;
        }

        @Override
        public int defaultCodeSet() {
            return DesignationDescriptor.CODE_SET_ASCII;
        }

        public String vendor() {
            byte[] b = value.toArray();
            return io.mpath4j.scsi.ScsiBytes.ascii(b, 0, Math.min(8, b.length));
        }

        public String vendorSpecific() {
            byte[] b = value.toArray();
            return b.length <= 8 ? "" : new String(b, 8, b.length - 8, StandardCharsets.ISO_8859_1);
        }
    }

    /** Type 2 (SPC-4 §7.8.6.5): EUI-64 based, 8, 12 or 16 bytes. */
    record Eui64(Octets value) implements Designator {
        public Eui64 {
            int n = value.length();
            if (n != 8 && n != 12 && n != 16) {
                throw new IllegalArgumentException("EUI-64 designator of " + n + " bytes (8, 12 or 16)");
            }
        }

        public int type() {
            return 2;
        }
    }

    /**
     * Type 3 (SPC-4 §7.8.6.6): NAA. The NAA field is the top nibble of the first byte: 2 IEEE
     * Extended, 3 Locally Assigned, 5 IEEE Registered (8 bytes), 6 IEEE Registered Extended (16
     * bytes).
     */
    record Naa(Octets value) implements Designator {
        public Naa {
            if (value.length() != 8 && value.length() != 16) {
                throw new IllegalArgumentException("NAA designator of " + value.length() + " bytes (8 or 16)");
            }
        }

        public int type() {
            return 3;
        }

        public int naa() {
            return value.get(0) >>> 4;
        }
    }

    /** Type 4 (SPC-4 §7.8.6.7): RELATIVE TARGET PORT IDENTIFIER (1 = port A, 2 = port B, ...). */
    record RelativeTargetPort(int id) implements Designator {
        public RelativeTargetPort {
            checkRange(id, 0xFFFF, "relative target port");
        }

        public int type() {
            return 4;
        }

        public Octets value() {
            return fourBytes(id);
        }
    }

    /** Type 5 (SPC-4 §7.8.6.8): TARGET PORT GROUP, as in REPORT TARGET PORT GROUPS. */
    record TargetPortGroup(int id) implements Designator {
        public TargetPortGroup {
            checkRange(id, 0xFFFF, "target port group");
        }

        public int type() {
            return 5;
        }

        public Octets value() {
            return fourBytes(id);
        }
    }

    /** Type 6 (SPC-4 §7.8.6.9): LOGICAL UNIT GROUP. */
    record LogicalUnitGroup(int id) implements Designator {
        public LogicalUnitGroup {
            checkRange(id, 0xFFFF, "logical unit group");
        }

        public int type() {
            return 6;
        }

        public Octets value() {
            return fourBytes(id);
        }
    }

    /** Type 7 (SPC-4 §7.8.6.10): MD5 logical unit identifier, 16 bytes (a last resort; multipath-tools never uses it). */
    record Md5LogicalUnitId(Octets value) implements Designator {
        public Md5LogicalUnitId {
            if (value.length() != 16) {
                throw new IllegalArgumentException("MD5 designator of " + value.length() + " bytes (16)");
            }
        }

        public int type() {
            return 7;
        }
    }

    /**
     * Type 8 (SPC-4 §7.8.6.11): SCSI NAME STRING, UTF-8, "iqn.", "eui." or "naa." followed by the
     * name, NUL terminated and padded with NULs to a multiple of 4 bytes.
     */
    record ScsiNameString(String name) implements Designator {
        public ScsiNameString {
            Objects.requireNonNull(name, "name");
            if (name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("SCSI name string contains NUL");
            }
        }

        public int type() {
            return 8;
        }

        @Override
        public int defaultCodeSet() {
            return DesignationDescriptor.CODE_SET_UTF8;
        }

        public Octets value() {
            byte[] s = name.getBytes(StandardCharsets.UTF_8);
            byte[] b = new byte[(s.length + 4) & ~3]; // at least one NUL, length a multiple of 4
            System.arraycopy(s, 0, b, 0, s.length);
            return Octets.of(b);
        }

        /**
         * The name up to its first NUL, or {@link Other} with the bytes as they came when they are
         * no SCSI name string SPC-4 allows: not UTF-8 (decoding would put U+FFFD in, and three
         * bytes for each one out), or no room left for the terminating NUL in a 255-byte field.
         * Found by Jazzer: such a name re-encoded to 256 bytes and broke the descriptor.
         */
        static Designator decode(byte[] b, int off, int len) {
            int end = off;
            while (end < off + len && b[end] != 0) {
                end++;
            }
            int nameBytes = end - off;
            if (((nameBytes + 4) & ~3) > 0xFF) {
                return new Other(8, Octets.of(b, off, len));
            }
            try {
                String name = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, off, nameBytes)).toString();
                return new ScsiNameString(name);
            } catch (CharacterCodingException e) {
                return new Other(8, Octets.of(b, off, len));
            }
        }
    }

    /** Type 9 (SPC-4 §7.8.6.12): protocol specific port identifier. */
    record ProtocolSpecificPortId(Octets value) implements Designator {
        public int type() {
            return 9;
        }
    }

    /** Type 0Ah (SPC-5 §7.7.6.13): UUID (a 2-byte header and 16 bytes). */
    record Uuid(Octets value) implements Designator {
        public int type() {
            return 0x0A;
        }
    }

    /** A reserved type, or a designator whose length does not fit its type. */
    record Other(int type, Octets value) implements Designator {
        public Other {
            checkRange(type, 0xF, "designator type");
        }
    }

    /** Decodes designator {@code type} from {@code len} bytes at {@code off}. */
    static Designator decode(int type, byte[] b, int off, int len) {
        Octets v = Octets.of(b, off, len);
        return switch (type) {
            case 0 -> new VendorSpecific(v);
            case 1 -> new T10VendorId(v);
            case 2 -> len == 8 || len == 12 || len == 16 ? new Eui64(v) : new Other(type, v);
            case 3 -> len == 8 || len == 16 ? new Naa(v) : new Other(type, v);
            case 4 -> len == 4 ? new RelativeTargetPort(u16(b, off + 2)) : new Other(type, v);
            case 5 -> len == 4 ? new TargetPortGroup(u16(b, off + 2)) : new Other(type, v);
            case 6 -> len == 4 ? new LogicalUnitGroup(u16(b, off + 2)) : new Other(type, v);
            case 7 -> len == 16 ? new Md5LogicalUnitId(v) : new Other(type, v);
            case 8 -> ScsiNameString.decode(b, off, len);
            case 9 -> new ProtocolSpecificPortId(v);
            case 0x0A -> new Uuid(v);
            default -> new Other(type, v);
        };
    }

    private static Octets fourBytes(int id) {
        byte[] b = new byte[4];
        put16(b, 2, id);
        return Octets.of(b);
    }
}
