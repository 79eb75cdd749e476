package io.mpath4j.nbd.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * A transmission-phase request (proto.md "Request message"): 32 bits magic {@code 0x25609513}, 16
 * bits command flags, 16 bits type, 64 bits handle, 64 bits offset, 32 bits length, and for
 * {@code NBD_CMD_WRITE} (only) <i>length</i> bytes of data. 28 bytes plus the data.
 *
 * <p>Flags and type are kept raw, so that a server can answer unknown ones with {@code NBD_EINVAL}
 * (proto.md "Error values"); {@link #command()} gives the known type. An unknown type is taken to
 * have no payload.
 *
 * @param flags raw 16-bit command flags ({@link CommandFlag})
 * @param type raw 16-bit request type ({@link CommandType})
 * @param handle the client's 64-bit cookie, echoed in the reply
 * @param offset unsigned 64-bit offset
 * @param length unsigned 32-bit length
 * @param data the payload of a write ({@code length} bytes), empty for every other type
 */
public record Request(int flags, int type, long handle, long offset, long length, byte[] data) {

    /** Length of the header, without data. */
    public static final int HEADER_LENGTH = 28;

    public Request {
        Wire.checkU16("command flags", flags);
        Wire.checkU16("request type", type);
        Wire.checkU32("length", length);
        if (type == CommandType.WRITE.code()) {
            if (data == null || data.length != length) {
                throw new IllegalArgumentException("a write of length " + length + " needs exactly that much data, got "
                        + (data == null ? "none" : data.length + " bytes"));
            }
            data = data.clone();
        } else {
            if (data != null && data.length != 0) {
                throw new IllegalArgumentException("only NBD_CMD_WRITE carries data, not type " + type);
            }
            data = Wire.EMPTY;
        }
    }

    /** {@code NBD_CMD_READ} of {@code length} bytes at {@code offset}. */
    public static Request read(long handle, long offset, long length, CommandFlag... flags) {
        return new Request(CommandFlag.maskOf(flags), CommandType.READ.code(), handle, offset, length, null);
    }

    /** {@code NBD_CMD_WRITE} of {@code data} at {@code offset}. */
    public static Request write(long handle, long offset, byte[] data, CommandFlag... flags) {
        return new Request(CommandFlag.maskOf(flags), CommandType.WRITE.code(), handle, offset, data.length, data);
    }

    /** {@code NBD_CMD_FLUSH} (offset and length MUST be zero). */
    public static Request flush(long handle) {
        return new Request(0, CommandType.FLUSH.code(), handle, 0, 0, null);
    }

    /** {@code NBD_CMD_DISC} (offset and length MUST be zero; there is no reply). */
    public static Request disconnect(long handle) {
        return new Request(0, CommandType.DISC.code(), handle, 0, 0, null);
    }

    /** {@code NBD_CMD_TRIM} of {@code length} bytes at {@code offset}. */
    public static Request trim(long handle, long offset, long length, CommandFlag... flags) {
        return new Request(CommandFlag.maskOf(flags), CommandType.TRIM.code(), handle, offset, length, null);
    }

    /** {@code NBD_CMD_WRITE_ZEROES} of {@code length} bytes at {@code offset}. */
    public static Request writeZeroes(long handle, long offset, long length, CommandFlag... flags) {
        return new Request(CommandFlag.maskOf(flags), CommandType.WRITE_ZEROES.code(), handle, offset, length, null);
    }

    /** The request type, if the spec defines it. */
    public Optional<CommandType> command() {
        return CommandType.of(type);
    }

    public boolean has(CommandFlag flag) {
        return flag.in(flags);
    }

    @Override
    public byte[] data() {
        return data.length == 0 ? data : data.clone();
    }

    /** Length of the data, without copying it. */
    public int dataLength() {
        return data.length;
    }

    /**
     * The payload as a read-only buffer over the request's own bytes, without copying (a server
     * hands it to the device as the source of a write).
     */
    public java.nio.ByteBuffer dataView() {
        return java.nio.ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** Encoded length, header and data. */
    public int encodedLength() {
        return HEADER_LENGTH + data.length;
    }

    byte[] dataUnsafe() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Request r && r.flags == flags && r.type == type && r.handle == handle
                && r.offset == offset && r.length == length && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        int h = Integer.hashCode(flags);
        h = 31 * h + type;
        h = 31 * h + Long.hashCode(handle);
        h = 31 * h + Long.hashCode(offset);
        h = 31 * h + Long.hashCode(length);
        return 31 * h + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Request[" + command().map(Enum::name).orElse("type " + type) + ", flags=" + CommandFlag.setOf(flags)
                + (CommandFlag.unknownBits(flags) != 0 ? "+" + Wire.hex32(CommandFlag.unknownBits(flags)) : "")
                + ", handle=" + Wire.hex64(handle) + ", offset=" + Long.toUnsignedString(offset)
                + ", length=" + length + (data.length > 0 ? ", data=" + Wire.hex(data) : "") + "]";
    }
}
