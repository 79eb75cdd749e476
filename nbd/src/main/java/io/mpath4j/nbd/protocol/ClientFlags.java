package io.mpath4j.nbd.protocol;

/**
 * The client's reply to the greeting: 32 bits of client flags (proto.md "Newstyle negotiation",
 * "Client flags"). Only {@link ClientFlag} bits may be set.
 */
public record ClientFlags(int flags) {

    /** Encoded size in bytes. */
    public static final int LENGTH = 4;

    public ClientFlags {
        if (ClientFlag.unknownBits(flags) != 0) {
            throw new IllegalArgumentException("unknown client flags " + Wire.hex32(ClientFlag.unknownBits(flags)));
        }
    }

    public boolean has(ClientFlag flag) {
        return flag.in(flags);
    }
}
