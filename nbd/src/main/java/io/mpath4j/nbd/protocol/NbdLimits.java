package io.mpath4j.nbd.protocol;

/**
 * Limits a decoder enforces before it allocates or waits for bytes. A length over a limit is a
 * {@link NbdProtocolException}: the peer would make us buffer an unbounded amount.
 *
 * @param maxOptionLength largest data length of a client option or an option reply. The spec lets
 *     a server reject over-long options (they are a denial of service); the largest legitimate one
 *     is an {@code NBD_REP_SERVER} with a 4096-byte name and a 4096-byte description.
 * @param maxStringLength largest export name, description or error message, in bytes; at most
 *     4096, the spec's hard limit (proto.md "Conventions").
 * @param maxPayload largest data payload of an {@code NBD_CMD_WRITE} request, a simple reply to
 *     {@code NBD_CMD_READ} or an {@code NBD_REPLY_TYPE_OFFSET_DATA} chunk. proto.md "Block size
 *     constraints": any length under 2^25 (32 MiB) SHOULD NOT be considered a denial of service.
 */
public record NbdLimits(int maxOptionLength, int maxStringLength, int maxPayload) {

    /** 64 KiB options, 4096-byte strings, 32 MiB payloads. */
    public static final NbdLimits DEFAULT = new NbdLimits(64 * 1024, Wire.MAX_STRING_BYTES, 32 * 1024 * 1024);

    public NbdLimits {
        if (maxOptionLength < 0 || maxStringLength < 0 || maxPayload < 0) {
            throw new IllegalArgumentException("limits must not be negative: " + maxOptionLength + ", "
                    + maxStringLength + ", " + maxPayload);
        }
        if (maxStringLength > Wire.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("maxStringLength " + maxStringLength
                    + " is over the spec's limit of " + Wire.MAX_STRING_BYTES);
        }
        if (maxPayload > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("maxPayload " + maxPayload + " is too large for a Java array");
        }
    }
}
