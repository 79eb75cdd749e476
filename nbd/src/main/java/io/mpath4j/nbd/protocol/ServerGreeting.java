package io.mpath4j.nbd.protocol;

/**
 * The newstyle server greeting (proto.md "Newstyle negotiation"): 64 bits {@code NBDMAGIC}, 64 bits
 * {@code IHAVEOPT}, 16 bits handshake flags. 18 bytes.
 *
 * @param handshakeFlags the raw 16-bit field ({@link HandshakeFlag}); a client SHOULD ignore flags
 *     it does not recognize, so unknown bits are kept.
 */
public record ServerGreeting(int handshakeFlags) {

    /** Encoded size in bytes. */
    public static final int LENGTH = 18;

    public ServerGreeting {
        Wire.checkU16("handshake flags", handshakeFlags);
    }

    public boolean has(HandshakeFlag flag) {
        return flag.in(handshakeFlags);
    }
}
