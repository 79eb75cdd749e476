package io.mpath4j.scsi;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string with value equality, so that records holding raw SCSI fields
 * (designators, keys, vendor data) compare by content. {@link #toString()} is lowercase hex.
 */
public final class Octets {

    private static final HexFormat HEX = HexFormat.of();
    public static final Octets EMPTY = new Octets(new byte[0]);

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Octets of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Octets(bytes.clone());
    }

    /** A copy of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Octets of(byte[] bytes, int offset, int length) {
        return length == 0 ? EMPTY : new Octets(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Parses lowercase or uppercase hex, spaces allowed between bytes. */
    public static Octets hex(String hex) {
        return of(HEX.parseHex(hex.replace(" ", "")));
    }

    public int length() {
        return bytes.length;
    }

    public int get(int index) {
        return bytes[index] & 0xff;
    }

    /** A fresh copy of the bytes. */
    public byte[] toArray() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
