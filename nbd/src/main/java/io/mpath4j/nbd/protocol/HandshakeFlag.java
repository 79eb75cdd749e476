package io.mpath4j.nbd.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * Handshake flags: 16 bits sent by the server after {@code NBDMAGIC} and {@code IHAVEOPT}
 * (proto.md "Values / Handshake phase / Handshake flags").
 */
public enum HandshakeFlag {
    /** {@code NBD_FLAG_FIXED_NEWSTYLE}: the server supports fixed newstyle negotiation. */
    FIXED_NEWSTYLE(0),
    /** {@code NBD_FLAG_NO_ZEROES}: the server can omit the 124 zero bytes after {@code NBD_OPT_EXPORT_NAME}. */
    NO_ZEROES(1);

    private final int bit;

    HandshakeFlag(int bit) {
        this.bit = bit;
    }

    /** Bit number (0 is the least significant bit of the field, in network byte order). */
    public int bit() {
        return bit;
    }

    /** The value of this flag in the field. */
    public int mask() {
        return 1 << bit;
    }

    /** True if this flag is set in {@code field}. */
    public boolean in(int field) {
        return (field & mask()) != 0;
    }

    /** The field with exactly the given flags set. */
    public static int maskOf(HandshakeFlag... flags) {
        int m = 0;
        for (HandshakeFlag f : flags) {
            m |= f.mask();
        }
        return m;
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<HandshakeFlag> setOf(int field) {
        EnumSet<HandshakeFlag> s = EnumSet.noneOf(HandshakeFlag.class);
        for (HandshakeFlag f : values()) {
            if (f.in(field)) {
                s.add(f);
            }
        }
        return s;
    }

    /** The bits of {@code field} that are not defined flags. */
    public static int unknownBits(int field) {
        return field & ~ALL;
    }

    private static final int ALL = maskOf(values());
}
