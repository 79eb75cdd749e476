package io.mpath4j.nbd.protocol;

import java.util.Arrays;

/**
 * A simple reply (proto.md "Simple reply message"): 32 bits magic {@code 0x67446698}, 32 bits
 * error (zero for success), 64 bits handle, then, only for a successful {@code NBD_CMD_READ},
 * <i>length</i> bytes of data, where <i>length</i> is that of the request. The reply does not say
 * how much data follows: the decoder asks the client through an {@link ExpectedReadLength}.
 *
 * @param error raw error value ({@link NbdError}), 0 for success
 * @param data the read data; empty for an error or for any request other than a read
 */
public record SimpleReply(long handle, int error, byte[] data) implements Reply {

    /** Length of the header, without data. */
    public static final int HEADER_LENGTH = 16;

    public SimpleReply {
        data = data == null ? Wire.EMPTY : data.clone();
        if (error != 0 && data.length != 0) {
            throw new IllegalArgumentException("an error reply (" + error + ") carries no data");
        }
    }

    /** A successful reply without data. */
    public static SimpleReply ok(long handle) {
        return new SimpleReply(handle, 0, null);
    }

    /** A successful reply to a read. */
    public static SimpleReply read(long handle, byte[] data) {
        return new SimpleReply(handle, 0, data);
    }

    /** An error reply. */
    public static SimpleReply error(long handle, NbdError error) {
        return new SimpleReply(handle, error.code(), null);
    }

    public boolean isOk() {
        return error == 0;
    }

    @Override
    public byte[] data() {
        return data.length == 0 ? data : data.clone();
    }

    /** Length of the data, without copying it. */
    public int dataLength() {
        return data.length;
    }

    byte[] dataUnsafe() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimpleReply r && r.handle == handle && r.error == error && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(handle) * 31 + error) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SimpleReply[handle=" + Wire.hex64(handle) + ", error=" + error
                + (data.length > 0 ? ", data=" + Wire.hex(data) : "") + "]";
    }
}
