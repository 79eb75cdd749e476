package io.mpath4j.nbd.protocol;

/**
 * The server's answer to {@code NBD_OPT_EXPORT_NAME}, sent without an option reply header
 * (proto.md "Newstyle negotiation"): 64 bits export size, 16 bits transmission flags, then 124
 * zero bytes unless the client set {@code NBD_FLAG_C_NO_ZEROES}.
 *
 * @param size export size in bytes (unsigned 64 bits)
 * @param transmissionFlags raw 16-bit field ({@link TransmissionFlag}); {@code NBD_FLAG_HAS_FLAGS}
 *     MUST be set
 */
public record ExportNameReply(long size, int transmissionFlags) {

    /** Length without the zero padding. */
    public static final int LENGTH = 10;

    /** The reserved zero bytes that follow unless {@code NBD_FLAG_C_NO_ZEROES} was negotiated. */
    public static final int ZERO_PAD = 124;

    public ExportNameReply {
        checkTransmissionFlags(transmissionFlags);
    }

    public boolean has(TransmissionFlag flag) {
        return flag.in(transmissionFlags);
    }

    static void checkTransmissionFlags(int transmissionFlags) {
        Wire.checkU16("transmission flags", transmissionFlags);
        if (!TransmissionFlag.HAS_FLAGS.in(transmissionFlags)) {
            throw new IllegalArgumentException("transmission flags " + Wire.hex32(transmissionFlags)
                    + " lack NBD_FLAG_HAS_FLAGS, which MUST always be 1");
        }
    }
}
