package io.mpath4j.iscsi.pdu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The iSCSI digest, CRC32C (Castagnoli, RFC 7143 §13.1 and RFC 3720 §12.1, generator polynomial
 * 0x1EDC6F41, reflected, initial value and final XOR all ones) — what {@link CRC32C} computes.
 *
 * <p>Byte order on the wire: the 32-bit result is sent least significant byte first. RFC 3720
 * Appendix B.4 (referenced by RFC 7143) lists 32 zero bytes with the digest bytes
 * {@code aa 36 91 8a}, i.e. the value {@code 0x8a9136aa} in little-endian order; the unit tests
 * carry all five B.4 vectors.
 */
public final class Crc32c {

    /** Length of a digest on the wire. */
    public static final int LENGTH = 4;

    private Crc32c() {}

    /** CRC32C of {@code length} bytes of {@code buffer} from absolute index {@code from}. */
    public static int compute(ByteBuffer buffer, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.slice(from, length));
        return (int) crc.getValue();
    }

    public static int compute(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** The digest as it is read from the wire at absolute index {@code index}. */
    static int read(ByteBuffer buffer, int index) {
        return buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(index);
    }

    /** Writes the digest in wire order at absolute index {@code index}. */
    static void write(ByteBuffer buffer, int index, int digest) {
        buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).putInt(index, digest);
    }
}
