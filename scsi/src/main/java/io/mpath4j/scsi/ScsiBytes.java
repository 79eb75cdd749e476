package io.mpath4j.scsi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Big-endian field access for the codecs of this module (SCSI is big-endian throughout, SPC-4
 * §3.5.3) and the length checks that turn short input into {@link ScsiFormatException}. Readers
 * are called only after a {@link #need} check covering the field, so they never see a short
 * array; writers write into arrays the encoders sized themselves.
 */
public final class ScsiBytes {

    private ScsiBytes() {}

    /** Throws unless {@code b} has at least {@code length} bytes. */
    public static void need(byte[] b, int length, String what) throws ScsiFormatException {
        if (b == null) {
            throw new ScsiFormatException(what + ": no data");
        }
        if (b.length < length) {
            throw new ScsiFormatException(what + ": " + b.length + " bytes, need at least " + length);
        }
    }

    /**
     * For data with a length field: throws unless {@code b} holds all {@code claimed} bytes the
     * data says it has (its header included).
     */
    public static void needClaimed(byte[] b, long claimed, String what) throws ScsiFormatException {
        if (b.length < claimed) {
            throw new ScsiFormatException(what + " truncated: its length field says " + claimed
                    + " bytes, have " + b.length + " (re-issue with allocation length >= " + claimed + ")");
        }
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    public static int u24(byte[] b, int off) {
        return (b[off] & 0xff) << 16 | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff);
    }

    public static long u32(byte[] b, int off) {
        return ((long) u16(b, off) << 16) | u16(b, off + 2);
    }

    public static long u64(byte[] b, int off) {
        return (u32(b, off) << 32) | u32(b, off + 4);
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void put24(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 16);
        put16(b, off + 1, v);
    }

    public static void put32(byte[] b, int off, long v) {
        put16(b, off, (int) (v >>> 16));
        put16(b, off + 2, (int) v);
    }

    public static void put64(byte[] b, int off, long v) {
        put32(b, off, v >>> 32);
        put32(b, off + 4, v);
    }

    /** ASCII field of {@code len} bytes, trailing spaces and NULs removed (SPC-4 §4.4.1: left-aligned, space padded). */
    public static String ascii(byte[] b, int off, int len) {
        int end = off + len;
        while (end > off && (b[end - 1] == ' ' || b[end - 1] == 0)) {
            end--;
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code s} left-aligned into a {@code len}-byte field padded with spaces. */
    public static void putAscii(byte[] b, int off, int len, String s) {
        byte[] v = s.getBytes(StandardCharsets.ISO_8859_1);
        if (v.length > len) {
            throw new IllegalArgumentException("'" + s + "' longer than " + len + " bytes");
        }
        Arrays.fill(b, off, off + len, (byte) ' ');
        System.arraycopy(v, 0, b, off, v.length);
    }

    /** Range checks for encoders (programmer errors, not input errors). */
    public static long checkRange(long v, long max, String what) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " " + v + " out of range 0.." + max);
        }
        return v;
    }

    public static int checkRange(int v, int max, String what) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " " + v + " out of range 0.." + max);
        }
        return v;
    }

    /** Unsigned 32-bit limit for range checks. */
    public static final long U32_MAX = 0xFFFF_FFFFL;
}
