package io.mpath4j.nbd.protocol;

import java.util.Set;

/**
 * Structured reply flags: 16 bits of every structured reply chunk (proto.md "Values / Transmission
 * phase / Structured reply flags"). Clients MUST ignore unrecognized flags.
 */
public enum ReplyFlag implements BitFlag {
    /** {@code NBD_REPLY_FLAG_DONE}: this is the final chunk of the reply. */
    DONE(0);

    private final int bit;

    ReplyFlag(int bit) {
        this.bit = bit;
    }

    @Override
    public int bit() {
        return bit;
    }

    /** The field with exactly the given flags set. */
    public static int maskOf(ReplyFlag... flags) {
        return BitFlag.maskOf(flags);
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<ReplyFlag> setOf(int field) {
        return BitFlag.setOf(ReplyFlag.class, field);
    }

    /** The bits of {@code field} that are not defined flags. */
    public static int unknownBits(int field) {
        return BitFlag.unknownBits(ReplyFlag.class, field);
    }
}
