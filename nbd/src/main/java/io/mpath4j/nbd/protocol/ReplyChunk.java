package io.mpath4j.nbd.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One chunk of a structured reply (proto.md "Structured reply chunk message"): 32 bits magic
 * {@code 0x668e33ef}, 16 bits flags, 16 bits type, 64 bits handle, 32 bits payload length,
 * payload. 20 bytes plus the payload.
 *
 * <p>The flags are kept raw: clients MUST ignore unrecognized flags; {@link #done()} is {@code
 * NBD_REPLY_FLAG_DONE}. A chunk type the codec does not know is a protocol error unless it is an
 * error type (bit 15 set), which is kept as {@link UnknownError} (proto.md "Structured reply
 * types").
 */
public sealed interface ReplyChunk extends Reply {

    /** Length of the chunk header, without payload. */
    int HEADER_LENGTH = 20;

    /** Raw 16-bit flags ({@link ReplyFlag}). */
    int flags();

    /** The chunk type on the wire ({@link ReplyType}). */
    int type();

    /** {@code NBD_REPLY_FLAG_DONE}: this is the final chunk of the reply. */
    default boolean done() {
        return ReplyFlag.DONE.in(flags());
    }

    /** The flags field of a final chunk. */
    int DONE = ReplyFlag.DONE.mask();

    /** The flags field of a chunk that is not the last. */
    int MORE = 0;

    /**
     * {@code NBD_REPLY_TYPE_NONE} (0): no payload; MUST have {@code NBD_REPLY_FLAG_DONE}. Success,
     * unless an error chunk came earlier.
     */
    record None(int flags, long handle) implements ReplyChunk {
        public None {
            checkFlags(flags);
            if (!ReplyFlag.DONE.in(flags)) {
                throw new IllegalArgumentException("NBD_REPLY_TYPE_NONE MUST have NBD_REPLY_FLAG_DONE");
            }
        }

        public None(long handle) {
            this(DONE, handle);
        }

        @Override
        public int type() {
            return ReplyType.NONE.code();
        }
    }

    /**
     * {@code NBD_REPLY_TYPE_OFFSET_DATA} (1): 64 bits offset, then <i>length - 8</i> bytes (at
     * least 1) of data read from that offset.
     */
    record OffsetData(int flags, long handle, long offset, byte[] data) implements ReplyChunk {
        public OffsetData {
            checkFlags(flags);
            Objects.requireNonNull(data, "data");
            if (data.length == 0) {
                throw new IllegalArgumentException("NBD_REPLY_TYPE_OFFSET_DATA carries at least one byte");
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Length of the data, without copying it. */
        public int dataLength() {
            return data.length;
        }

        byte[] dataUnsafe() {
            return data;
        }

        @Override
        public int type() {
            return ReplyType.OFFSET_DATA.code();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OffsetData d && d.flags == flags && d.handle == handle && d.offset == offset
                    && Arrays.equals(d.data, data);
        }

        @Override
        public int hashCode() {
            return ((flags * 31 + Long.hashCode(handle)) * 31 + Long.hashCode(offset)) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "OffsetData[flags=" + flags + ", handle=" + Wire.hex64(handle) + ", offset="
                    + Long.toUnsignedString(offset) + ", data=" + Wire.hex(data) + "]";
        }
    }

    /**
     * {@code NBD_REPLY_TYPE_OFFSET_HOLE} (2): 64 bits offset, 32 bits hole size (nonzero); that
     * range reads as zeroes. Payload length MUST be exactly 12.
     *
     * @param size unsigned 32-bit hole size, nonzero
     */
    record OffsetHole(int flags, long handle, long offset, long size) implements ReplyChunk {
        public OffsetHole {
            checkFlags(flags);
            Wire.checkU32("hole size", size);
            if (size == 0) {
                throw new IllegalArgumentException("hole size MUST be nonzero");
            }
        }

        @Override
        public int type() {
            return ReplyType.OFFSET_HOLE.code();
        }
    }

    /**
     * The error chunks: every type with bit 15 set begins with 32 bits error (nonzero), 16 bits
     * message length, message; the header length covers any further fields.
     */
    sealed interface Failure extends ReplyChunk permits ErrorChunk, ErrorOffset, UnknownError {
        /** Raw error value ({@link NbdError}), nonzero. */
        int error();

        /** Message for humans, possibly empty. */
        String message();
    }

    /**
     * {@code NBD_REPLY_TYPE_ERROR} (2^15 + 1): error, message length, message; the client MAY NOT
     * assume any partial success. Payload length is 6 + message length.
     */
    record ErrorChunk(int flags, long handle, int error, String message) implements Failure {
        public ErrorChunk {
            checkFlags(flags);
            checkError(error);
            Wire.checkString("error message", message);
        }

        @Override
        public int type() {
            return ReplyType.ERROR.code();
        }
    }

    /**
     * {@code NBD_REPLY_TYPE_ERROR_OFFSET} (2^15 + 2): error, message length, message, then 64 bits
     * offset at which the error occurred. Payload length is 14 + message length.
     */
    record ErrorOffset(int flags, long handle, int error, String message, long offset) implements Failure {
        public ErrorOffset {
            checkFlags(flags);
            checkError(error);
            Wire.checkString("error message", message);
        }

        @Override
        public int type() {
            return ReplyType.ERROR_OFFSET.code();
        }
    }

    /**
     * An error chunk of a type this codec does not know (bit 15 set): "it MUST consider the current
     * reply as errored, but MAY continue transmission unless it detects that <i>message length</i>
     * is too large to fit within the <i>length</i> specified by the header".
     *
     * @param rest the payload bytes after the message (the type's further fields)
     */
    record UnknownError(int flags, long handle, int type, int error, String message, byte[] rest)
            implements Failure {
        public UnknownError {
            checkFlags(flags);
            Wire.checkU16("chunk type", type);
            if (!ReplyType.isError(type) || ReplyType.of(type).isPresent()) {
                throw new IllegalArgumentException("chunk type " + type + " is not an unknown error type");
            }
            Wire.checkString("error message", message);
            rest = Objects.requireNonNull(rest, "rest").clone();
        }

        @Override
        public byte[] rest() {
            return rest.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UnknownError u && u.flags == flags && u.handle == handle && u.type == type
                    && u.error == error && u.message.equals(message) && Arrays.equals(u.rest, rest);
        }

        @Override
        public int hashCode() {
            return Objects.hash(flags, handle, type, error, message, Arrays.hashCode(rest));
        }

        @Override
        public String toString() {
            return "UnknownError[flags=" + flags + ", handle=" + Wire.hex64(handle) + ", type=" + type + ", error="
                    + error + ", message=" + message + ", rest=" + Wire.hex(rest) + "]";
        }
    }

    private static void checkFlags(int flags) {
        Wire.checkU16("reply flags", flags);
    }

    private static void checkError(int error) {
        if (error == 0) {
            throw new IllegalArgumentException("the error of an error chunk MUST be nonzero");
        }
    }
}
