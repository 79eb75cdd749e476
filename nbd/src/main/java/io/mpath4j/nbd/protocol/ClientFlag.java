package io.mpath4j.nbd.protocol;

import java.util.Set;

/**
 * Client flags: 32 bits sent by the client after the server greeting (proto.md "Values / Handshake
 * phase / Client flags"). Clients MUST NOT set any other flag, and a server MUST drop the connection
 * if one is set, or if a flag does not match one the server advertised.
 */
public enum ClientFlag implements BitFlag {
    /** {@code NBD_FLAG_C_FIXED_NEWSTYLE}. */
    FIXED_NEWSTYLE(0),
    /** {@code NBD_FLAG_C_NO_ZEROES}: MUST NOT be set unless the server set {@code NBD_FLAG_NO_ZEROES}. */
    NO_ZEROES(1);

    private final int bit;

    ClientFlag(int bit) {
        this.bit = bit;
    }

    @Override
    public int bit() {
        return bit;
    }

    /** The field with exactly the given flags set. */
    public static int maskOf(ClientFlag... flags) {
        return BitFlag.maskOf(flags);
    }

    /** The known flags set in {@code field}; unknown bits are ignored (see {@link #unknownBits}). */
    public static Set<ClientFlag> setOf(int field) {
        return BitFlag.setOf(ClientFlag.class, field);
    }

    /** The bits of {@code field} that are not defined flags. */
    public static int unknownBits(int field) {
        return BitFlag.unknownBits(ClientFlag.class, field);
    }
}
