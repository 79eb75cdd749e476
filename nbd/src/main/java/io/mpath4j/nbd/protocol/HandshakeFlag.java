package io.mpath4j.nbd.protocol;

import java.util.Set;

/**
 * Handshake flags: 16 bits sent by the server after {@code NBDMAGIC} and {@code IHAVEOPT}
 * (proto.md "Values / Handshake phase / Handshake flags").
 */
public enum HandshakeFlag implements BitFlag {
    /** {@code NBD_FLAG_FIXED_NEWSTYLE}: the server supports fixed newstyle negotiation. */
    FIXED_NEWSTYLE(0),
    /** {@code NBD_FLAG_NO_ZEROES}: the server can omit the 124 zero bytes after {@code NBD_OPT_EXPORT_NAME}. */
    NO_ZEROES(1);

    private final int bit;

    HandshakeFlag(int bit) {
        this.bit = bit;
    }

    @Override
    public int bit() {
        return bit;
    }

    /** The field with exactly the given flags set. */
    public static int maskOf(HandshakeFlag... flags) {
        return BitFlag.maskOf(flags);
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<HandshakeFlag> setOf(int field) {
        return BitFlag.setOf(HandshakeFlag.class, field);
    }

    /** The bits of {@code field} that are not defined flags. */
    public static int unknownBits(int field) {
        return BitFlag.unknownBits(HandshakeFlag.class, field);
    }
}
