package io.mpath4j.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /*
     * Whole PDUs with CRC32C header and data digests, byte by byte (BHS, header digest, data padded
     * to 4, data digest over the padded data; RFC 7143 §11.2). The digests were computed
     * independently of this code base, with a bitwise CRC32C (polynomial 0x82F63B78) written for
     * the purpose, and checked against the RFC 3720 B.4 vector of 32 zero bytes.
     */
    static final String DATA_IN_WITH_DIGESTS = "25810000 00000005 00000000 00000000 00010002 ffffffff 00000007 00000008"
            + " 00000027 00000000 00000000 00000000" + " c395932c" + " 48656c6c 6f000000" + " 2a88039d";
    static final String DATA_OUT_WITH_DIGESTS = "05800000 00000005 00000000 00000000 00010002 ffffffff 00000000 00000008"
            + " 00000000 00000000 00000200 00000000" + " f1eb2784" + " 48656c6c 6f000000" + " 2a88039d";

    @Test
    void dataOutWithBothDigestsIsEncodedByteForByte() {
        var out = new Pdu.DataOut(true, 0, 0x00010002, -1, 8, 0, 0x200, Bytes.of("Hello".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)));
        assertThat(IscsiEncoder.encode(out, Digests.BOTH)).isEqualTo(Vectors.hex(DATA_OUT_WITH_DIGESTS));
    }

    @Test
    void dataInWithBothDigestsDecodesAndAFlippedBitIsADataDigestError() throws Exception {
        byte[] wire = Vectors.hex(DATA_IN_WITH_DIGESTS);
        IscsiDecoder decoder = new IscsiDecoder(IscsiDecoder.Receiver.INITIATOR, Digests.BOTH, 8192);
        Pdu p = decoder.decode(ByteBuffer.wrap(wire));
        assertThat(p).isEqualTo(new Pdu.DataIn(true, false, false, false, true, 0, 0, 0x00010002, -1, 7, 8, 0x27, 0,
                0, 0, Bytes.of("Hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        assertThat(IscsiEncoder.encode(p, Digests.BOTH)).isEqualTo(wire);
        byte[] bad = wire.clone();
        bad[52] ^= 0x20; // "Hello" -> "hello"
        ByteBuffer in = ByteBuffer.wrap(bad);
        assertThatThrownBy(() -> decoder.decode(in)).isInstanceOf(DataDigestException.class);
        assertThat(in.remaining()).as("the PDU is consumed: the stream stays framed").isZero();
        byte[] badHeader = wire.clone();
        badHeader[20] ^= 1; // TTT
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(badHeader))).isInstanceOf(HeaderDigestException.class);
    }
}
