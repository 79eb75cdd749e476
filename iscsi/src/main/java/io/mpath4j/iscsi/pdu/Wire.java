package io.mpath4j.iscsi.pdu;

import java.nio.ByteBuffer;

/** Small helpers for fixed-width big-endian fields and messages. */
final class Wire {

    private Wire() {}

    static String hex8(int v) {
        return String.format("0x%02x", v & 0xff);
    }

    static String hex32(int v) {
        return String.format("0x%08x", v);
    }

    static int u8(ByteBuffer b, int index) {
        return b.get(index) & 0xff;
    }

    static int u16(ByteBuffer b, int index) {
        return b.getShort(index) & 0xffff;
    }

    static int u24(ByteBuffer b, int index) {
        return (u8(b, index) << 16) | (u8(b, index + 1) << 8) | u8(b, index + 2);
    }

    static void putU24(ByteBuffer b, int index, int v) {
        b.put(index, (byte) (v >>> 16));
        b.put(index + 1, (byte) (v >>> 8));
        b.put(index + 2, (byte) v);
    }

    static long u48(ByteBuffer b, int index) {
        return ((long) u16(b, index) << 32) | Integer.toUnsignedLong(b.getInt(index + 2));
    }

    static void putU48(ByteBuffer b, int index, long v) {
        b.putShort(index, (short) (v >>> 32));
        b.putInt(index + 2, (int) v);
    }

    /** Length rounded up to a multiple of 4 (RFC 7143 §11.2.3: segments are padded to 4 bytes). */
    static int pad4(int length) {
        return (length + 3) & ~3;
    }

    static void checkRange(String what, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " " + v + " is outside [" + min + ", " + max + "]");
        }
    }
}
