package io.mpath4j.nbd.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * Command flags: 16 bits of every request (proto.md "Values / Transmission phase / Command
 * flags"). The raw field is kept in {@link Request} so that a server can reject unknown bits with
 * {@code NBD_EINVAL} as the spec asks.
 */
public enum CommandFlag {
    /** {@code NBD_CMD_FLAG_FUA}: reply only once the data is on non-volatile storage. */
    FUA(0),
    /** {@code NBD_CMD_FLAG_NO_HOLE}: {@code NBD_CMD_WRITE_ZEROES} must not punch a hole. */
    NO_HOLE(1),
    /** {@code NBD_CMD_FLAG_DF}: do not fragment the structured reply to {@code NBD_CMD_READ}. */
    DF(2),
    /** {@code NBD_CMD_FLAG_REQ_ONE}: one extent per context in {@code NBD_CMD_BLOCK_STATUS}. */
    REQ_ONE(3),
    /** {@code NBD_CMD_FLAG_FAST_ZERO}: fail {@code NBD_CMD_WRITE_ZEROES} with {@code NBD_ENOTSUP} unless fast. */
    FAST_ZERO(4);

    private final int bit;

    CommandFlag(int bit) {
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
    public static int maskOf(CommandFlag... flags) {
        int m = 0;
        for (CommandFlag f : flags) {
            m |= f.mask();
        }
        return m;
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<CommandFlag> setOf(int field) {
        EnumSet<CommandFlag> s = EnumSet.noneOf(CommandFlag.class);
        for (CommandFlag f : values()) {
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
