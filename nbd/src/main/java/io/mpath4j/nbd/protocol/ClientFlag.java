package io.mpath4j.nbd.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * Client flags: 32 bits sent by the client after the server greeting (proto.md "Values / Handshake
 * phase / Client flags"). Clients MUST NOT set any other flag, and a server MUST drop the connection
 * if one is set, or if a flag does not match one the server advertised.
 */
public enum ClientFlag {
    /** {@code NBD_FLAG_C_FIXED_NEWSTYLE}. */
    FIXED_NEWSTYLE(0),
    /** {@code NBD_FLAG_C_NO_ZEROES}: MUST NOT be set unless the server set {@code NBD_FLAG_NO_ZEROES}. */
    NO_ZEROES(1);

    private final int bit;

    ClientFlag(int bit) {
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
    public static int maskOf(ClientFlag... flags) {
        int m = 0;
        for (ClientFlag f : flags) {
            m |= f.mask();
        }
        return m;
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<ClientFlag> setOf(int field) {
        EnumSet<ClientFlag> s = EnumSet.noneOf(ClientFlag.class);
        for (ClientFlag f : values()) {
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
