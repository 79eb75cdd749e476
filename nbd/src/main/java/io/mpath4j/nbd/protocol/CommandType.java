package io.mpath4j.nbd.protocol;

import java.util.Optional;

/**
 * Request types (proto.md "Values / Transmission phase / Request types"). A {@link Request} keeps
 * the raw type so that a server can answer an unknown one with {@code NBD_EINVAL}.
 */
public enum CommandType {
    /** {@code NBD_CMD_READ}. */
    READ(0),
    /** {@code NBD_CMD_WRITE}: the only request with a payload (of the request length). */
    WRITE(1),
    /** {@code NBD_CMD_DISC}: soft disconnect; no reply. */
    DISC(2),
    /** {@code NBD_CMD_FLUSH}. */
    FLUSH(3),
    /** {@code NBD_CMD_TRIM}. */
    TRIM(4),
    /** {@code NBD_CMD_CACHE}. */
    CACHE(5),
    /** {@code NBD_CMD_WRITE_ZEROES}. */
    WRITE_ZEROES(6),
    /** {@code NBD_CMD_BLOCK_STATUS} (needs metadata contexts, which this codec does not negotiate). */
    BLOCK_STATUS(7);

    private final int code;

    CommandType(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The constant with this wire value, if the spec defines one. */
    public static Optional<CommandType> of(int code) {
        for (CommandType v : values()) {
            if (v.code == code) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
