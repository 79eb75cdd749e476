package io.mpath4j.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * RFC 3720 Appendix B.4 CRC32C vectors (RFC 7143 §13.1 refers to them); the CRC bytes are as the
 * RFC lists them, i.e. as they appear on the wire: least significant byte first.
 */
class Crc32cTest {

    static void assertWireDigest(byte[] data, String wire) {
        ByteBuffer out = ByteBuffer.allocate(4);
        Crc32c.write(out, 0, Crc32c.compute(data));
        assertThat(Bytes.of(out.array())).isEqualTo(Bytes.fromHex(wire));
        assertThat(Crc32c.read(ByteBuffer.wrap(Vectors.hex(wire)), 0)).isEqualTo(Crc32c.compute(data));
    }

    @Test
    void thirtyTwoZeros() {
        assertWireDigest(new byte[32], "aa36918a");
    }

    @Test
    void thirtyTwoOnes() {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) 0xff);
        assertWireDigest(b, "43aba862");
    }

    @Test
    void incrementing() {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) i;
        }
        assertWireDigest(b, "4e79dd46");
    }

    @Test
    void decrementing() {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) (31 - i);
        }
        assertWireDigest(b, "5cdb3f11");
    }

    @Test
    void iscsiReadCommand() {
        assertWireDigest(Vectors.hex("01c00000 00000000 00000000 00000000 14000000 00000400 00000014 00000018"
                + " 28000000 00000000 02000000 00000000"), "563a96d9");
    }

    @Test
    void dataDigestCoversThePadding() {
        // a 5-byte data segment: the digest is over the 8 padded bytes (RFC 7143 §11.2.3)
        var v = new Pdu.DataOut(true, 0, 1, -1, 0, 0, 0, Bytes.fromHex("0102030405"));
        byte[] wire = IscsiEncoder.encode(v, Digests.DATA_ONLY);
        assertThat(wire).hasSize(48 + 8 + 4);
        int digest = Crc32c.read(ByteBuffer.wrap(wire), 56);
        assertThat(digest).isEqualTo(Crc32c.compute(Vectors.hex("0102030405000000")));
    }
}
