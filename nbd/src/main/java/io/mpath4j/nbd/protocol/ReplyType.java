package io.mpath4j.nbd.protocol;

import java.util.Optional;

/**
 * Structured reply chunk types (proto.md "Values / Transmission phase / Structured reply types").
 * Error chunk types have bit 15 set.
 */
public enum ReplyType {
    /** {@code NBD_REPLY_TYPE_NONE}: no payload; always the final chunk. */
    NONE(0),
    /** {@code NBD_REPLY_TYPE_OFFSET_DATA}: data at an offset. */
    OFFSET_DATA(1),
    /** {@code NBD_REPLY_TYPE_OFFSET_HOLE}: a range that reads as zeroes. */
    OFFSET_HOLE(2),
    /** {@code NBD_REPLY_TYPE_BLOCK_STATUS} (not decoded: this codec negotiates no metadata context). */
    BLOCK_STATUS(5),
    /** {@code NBD_REPLY_TYPE_ERROR}: error, message. */
    ERROR((1 << 15) + 1),
    /** {@code NBD_REPLY_TYPE_ERROR_OFFSET}: error, message, offset. */
    ERROR_OFFSET((1 << 15) + 2);

    private final int code;

    ReplyType(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The constant with this wire value, if the spec defines one. */
    public static Optional<ReplyType> of(int code) {
        for (ReplyType v : values()) {
            if (v.code == code) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** True if {@code type} is an error chunk type (bit 15 set), known or not. */
    public static boolean isError(int type) {
        return (type & 0x8000) != 0;
    }
}
