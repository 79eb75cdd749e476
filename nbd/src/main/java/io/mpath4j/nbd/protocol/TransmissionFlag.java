package io.mpath4j.nbd.protocol;

import java.util.Set;

/**
 * Transmission flags: 16 bits sent with the export size, after {@code NBD_OPT_EXPORT_NAME} or in
 * {@code NBD_INFO_EXPORT} (proto.md "Values / Handshake phase / Transmission flags"). Clients SHOULD
 * ignore unknown flags, so the raw field is kept in values.
 */
public enum TransmissionFlag implements BitFlag {
    /** {@code NBD_FLAG_HAS_FLAGS}: MUST always be 1. */
    HAS_FLAGS(0),
    /** {@code NBD_FLAG_READ_ONLY}. */
    READ_ONLY(1),
    /** {@code NBD_FLAG_SEND_FLUSH}: exposes {@code NBD_CMD_FLUSH}. */
    SEND_FLUSH(2),
    /** {@code NBD_FLAG_SEND_FUA}: exposes {@code NBD_CMD_FLAG_FUA}. */
    SEND_FUA(3),
    /** {@code NBD_FLAG_ROTATIONAL}. */
    ROTATIONAL(4),
    /** {@code NBD_FLAG_SEND_TRIM}: exposes {@code NBD_CMD_TRIM}. */
    SEND_TRIM(5),
    /** {@code NBD_FLAG_SEND_WRITE_ZEROES}: exposes {@code NBD_CMD_WRITE_ZEROES} and {@code NBD_CMD_FLAG_NO_HOLE}. */
    SEND_WRITE_ZEROES(6),
    /** {@code NBD_FLAG_SEND_DF}: exposes {@code NBD_CMD_FLAG_DF}. */
    SEND_DF(7),
    /** {@code NBD_FLAG_CAN_MULTI_CONN}: flush and FUA are visible across all connections. */
    CAN_MULTI_CONN(8),
    /** {@code NBD_FLAG_SEND_RESIZE} (experimental RESIZE extension). */
    SEND_RESIZE(9),
    /** {@code NBD_FLAG_SEND_CACHE}: the server understands {@code NBD_CMD_CACHE}. */
    SEND_CACHE(10),
    /** {@code NBD_FLAG_SEND_FAST_ZERO}: exposes {@code NBD_CMD_FLAG_FAST_ZERO}. */
    SEND_FAST_ZERO(11);

    private final int bit;

    TransmissionFlag(int bit) {
        this.bit = bit;
    }

    @Override
    public int bit() {
        return bit;
    }

    /** The field with exactly the given flags set. */
    public static int maskOf(TransmissionFlag... flags) {
        return BitFlag.maskOf(flags);
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<TransmissionFlag> setOf(int field) {
        return BitFlag.setOf(TransmissionFlag.class, field);
    }

    /** The bits of {@code field} that are not defined flags. */
    public static int unknownBits(int field) {
        return BitFlag.unknownBits(TransmissionFlag.class, field);
    }
}
