package io.mpath4j.nbd.protocol;

import java.util.Set;

/**
 * Command flags: 16 bits of every request (proto.md "Values / Transmission phase / Command
 * flags"). The raw field is kept in {@link Request} so that a server can reject unknown bits with
 * {@code NBD_EINVAL} as the spec asks.
 */
public enum CommandFlag implements BitFlag {
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

    @Override
    public int bit() {
        return bit;
    }

    /** The field with exactly the given flags set. */
    public static int maskOf(CommandFlag... flags) {
        return BitFlag.maskOf(flags);
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<CommandFlag> setOf(int field) {
        return BitFlag.setOf(CommandFlag.class, field);
    }

    /** The bits of {@code field} that are not defined flags. */
    public static int unknownBits(int field) {
        return BitFlag.unknownBits(CommandFlag.class, field);
    }
}
