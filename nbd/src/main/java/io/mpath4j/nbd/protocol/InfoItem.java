package io.mpath4j.nbd.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The payload of an {@code NBD_REP_INFO} reply (proto.md "Option reply types", {@code
 * NBD_REP_INFO}): 16 bits information type, then a type-specific payload. The reply header length
 * includes the 2 bytes of the type.
 */
public sealed interface InfoItem {

    /** The information type on the wire ({@link InfoType}). */
    int type();

    /**
     * {@code NBD_INFO_EXPORT} (0): 64 bits export size, 16 bits transmission flags; header length
     * MUST be 12. Mandatory before a successful {@code NBD_REP_ACK} to {@code NBD_OPT_INFO} / {@code
     * NBD_OPT_GO}.
     */
    record Export(long size, int transmissionFlags) implements InfoItem {
        public Export {
            ExportNameReply.checkTransmissionFlags(transmissionFlags);
        }

        public boolean has(TransmissionFlag flag) {
            return flag.in(transmissionFlags);
        }

        @Override
        public int type() {
            return InfoType.EXPORT.code();
        }
    }

    /** {@code NBD_INFO_NAME} (1): the canonical export name, header length - 2 bytes. */
    record Name(String name) implements InfoItem {
        public Name {
            Wire.checkString("export name", name);
        }

        @Override
        public int type() {
            return InfoType.NAME.code();
        }
    }

    /** {@code NBD_INFO_DESCRIPTION} (2): a description for humans, header length - 2 bytes. */
    record Description(String description) implements InfoItem {
        public Description {
            Wire.checkString("description", description);
        }

        @Override
        public int type() {
            return InfoType.DESCRIPTION.code();
        }
    }

    /**
     * {@code NBD_INFO_BLOCK_SIZE} (3): 32 bits each of minimum, preferred and maximum block size;
     * header length MUST be 14. The context-free rules of proto.md "Block size constraints" are
     * checked: the minimum is a power of 2 no larger than 2^16; the preferred size is a power of 2
     * at least as large as the minimum and 512; the maximum is a multiple of the minimum or
     * 0xffffffff. (The rule relating the maximum to the export size needs the export size and is
     * left to the client.)
     */
    record BlockSize(long minimum, long preferred, long maximum) implements InfoItem {

        /** The maximum block size value meaning "no inherent limit". */
        public static final long UNLIMITED = 0xFFFF_FFFFL;

        public BlockSize {
            String problem = problem(minimum, preferred, maximum);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }

        /** Why these sizes break the spec's rules, or null if they do not. */
        static String problem(long minimum, long preferred, long maximum) {
            if (minimum < 1 || minimum > 1 << 16 || Long.bitCount(minimum) != 1) {
                return "minimum block size " + minimum + " is not a power of 2 between 1 and 65536";
            }
            if (preferred > UNLIMITED || Long.bitCount(preferred) != 1 || preferred < Math.max(minimum, 512)) {
                return "preferred block size " + preferred + " is not a power of 2 at least max(minimum "
                        + minimum + ", 512)";
            }
            if (maximum < 0 || maximum > UNLIMITED || (maximum != UNLIMITED && (maximum == 0 || maximum % minimum != 0))) {
                return "maximum block size " + maximum + " is neither a multiple of the minimum " + minimum
                        + " nor 0xffffffff";
            }
            return null;
        }

        @Override
        public int type() {
            return InfoType.BLOCK_SIZE.code();
        }
    }

    /** An information type this codec does not know; the client MUST ignore it. */
    record Unknown(int type, byte[] data) implements InfoItem {
        public Unknown {
            Wire.checkU16("information type", type);
            if (InfoType.of(type).isPresent()) {
                throw new IllegalArgumentException("information type " + type + " has its own record type");
            }
            data = Objects.requireNonNull(data, "data").clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.type == type && Arrays.equals(u.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Unknown[type=" + type + ", data=" + Wire.hex(data) + "]";
        }
    }
}
