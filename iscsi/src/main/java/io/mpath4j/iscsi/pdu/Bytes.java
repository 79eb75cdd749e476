package io.mpath4j.iscsi.pdu;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable byte sequence with value equality, so that PDU records holding a data segment, a
 * CDB or sense data compare and print as values.
 */
public final class Bytes {

    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] bytes;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Bytes of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /** A copy of the remaining bytes of {@code buffer}; the buffer's position is not moved. */
    public static Bytes of(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(buffer.position(), b);
        return wrap(b);
    }

    /** Takes ownership of {@code bytes}, which the caller must not change afterwards. */
    static Bytes wrap(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes);
    }

    /** Bytes from hex digits (whitespace allowed), for tests and constants. */
    public static Bytes fromHex(String hex) {
        return wrap(HexFormat.of().parseHex(hex.replaceAll("\\s", "")));
    }

    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    public byte get(int index) {
        return bytes[index];
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** A read-only view, without copying. */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** Writes all bytes at {@code out}'s position and advances it. */
    public void writeTo(ByteBuffer out) {
        out.put(bytes);
    }

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive). */
    public Bytes slice(int from, int to) {
        Objects.checkFromToIndex(from, to, bytes.length);
        return wrap(Arrays.copyOfRange(bytes, from, to));
    }

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        if (bytes.length <= 64) {
            return "[" + toHex() + "]";
        }
        return "[" + HexFormat.of().formatHex(bytes, 0, 64) + "... (" + bytes.length + " bytes)]";
    }
}
