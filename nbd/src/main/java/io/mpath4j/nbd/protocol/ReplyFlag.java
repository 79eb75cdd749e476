package io.mpath4j.nbd.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * Structured reply flags: 16 bits of every structured reply chunk (proto.md "Values / Transmission
 * phase / Structured reply flags"). Clients MUST ignore unrecognized flags.
 */
public enum ReplyFlag {
    /** {@code NBD_REPLY_FLAG_DONE}: this is the final chunk of the reply. */
    DONE(0);

    private final int bit;

    ReplyFlag(int bit) {
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
    public static int maskOf(ReplyFlag... flags) {
        int m = 0;
        for (ReplyFlag f : flags) {
            m |= f.mask();
        }
        return m;
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<ReplyFlag> setOf(int field) {
        EnumSet<ReplyFlag> s = EnumSet.noneOf(ReplyFlag.class);
        for (ReplyFlag f : values()) {
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
