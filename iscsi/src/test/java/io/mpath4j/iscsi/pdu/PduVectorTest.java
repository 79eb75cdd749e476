package io.mpath4j.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.iscsi.pdu.IscsiDecoder.Receiver;
import io.mpath4j.iscsi.pdu.Vectors.Vector;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class PduVectorTest {

    static final List<Vector> VECTORS = Vectors.ALL;

    static final IscsiDecoder ANY = new IscsiDecoder(Receiver.ANY, Digests.NONE, 8192);

    @Test
    void everyOpcodeHasAVector() {
        Set<Opcode> seen = new HashSet<>();
        for (Vector v : VECTORS) {
            seen.add(v.value().opcode());
        }
        assertThat(seen).containsExactlyInAnyOrder(Opcode.values());
    }

    @ParameterizedTest
    @FieldSource("VECTORS")
    void handWrittenBytesDecodeToTheValue(Vector v) throws Exception {
        byte[] bytes = v.bytes();
        assertThat(bytes.length % 4).as("PDUs are whole words").isZero();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Pdu pdu = ANY.decode(in);
        assertThat(pdu).isEqualTo(v.value());
        assertThat(in.hasRemaining()).isFalse();
        // and the decoder of the receiving side accepts it too
        Receiver side = v.value().opcode().fromInitiator() ? Receiver.TARGET : Receiver.INITIATOR;
        assertThat(new IscsiDecoder(side, Digests.NONE, 8192).decode(ByteBuffer.wrap(bytes))).isEqualTo(v.value());
    }

    @ParameterizedTest
    @FieldSource("VECTORS")
    void valueEncodesToTheHandWrittenBytes(Vector v) {
        assertThat(Bytes.of(IscsiEncoder.encode(v.value(), Digests.NONE))).isEqualTo(Bytes.of(v.bytes()));
    }

    @ParameterizedTest
    @FieldSource("VECTORS")
    void everySplitNeedsMoreThenDecodes(Vector v) throws Exception {
        byte[] bytes = v.bytes();
        for (int k = 0; k < bytes.length; k++) {
            ByteBuffer part = ByteBuffer.wrap(bytes, 0, k);
            assertThat(ANY.decode(part)).as("prefix of %d bytes", k).isNull();
            assertThat(part.position()).isZero();
        }
    }

    @ParameterizedTest
    @FieldSource("VECTORS")
    void roundTripsWithEveryDigestSetting(Vector v) throws Exception {
        for (Digests d : List.of(Digests.NONE, Digests.HEADER_ONLY, Digests.DATA_ONLY, Digests.BOTH)) {
            byte[] bytes = IscsiEncoder.encode(v.value(), d);
            int expected = v.bytes().length + (d.header() ? 4 : 0)
                    + (d.data() && !v.value().dataSegment().isEmpty() ? 4 : 0);
            assertThat(bytes).hasSize(expected);
            IscsiDecoder decoder = new IscsiDecoder(Receiver.ANY, d, 8192);
            for (int k = 0; k < bytes.length; k++) {
                assertThat(decoder.decode(ByteBuffer.wrap(bytes, 0, k))).isNull();
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            assertThat(decoder.decode(in)).as("digests %s", d).isEqualTo(v.value());
            assertThat(in.hasRemaining()).isFalse();
        }
    }

    @Test
    void aStreamOfAllVectorsFedInRandomChunksDecodesInOrder() throws Exception {
        long seed = Seeds.seed("PduVectorTest.randomChunks");
        Random rnd = new Random(seed);
        for (Digests d : List.of(Digests.NONE, Digests.BOTH)) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<Pdu> expected = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                Vector v = VECTORS.get(rnd.nextInt(VECTORS.size()));
                stream.writeBytes(IscsiEncoder.encode(v.value(), d));
                expected.add(v.value());
            }
            byte[] all = stream.toByteArray();
            IscsiDecoder decoder = new IscsiDecoder(Receiver.ANY, d, 8192);
            ByteBuffer buf = ByteBuffer.allocate(all.length);
            buf.flip();
            List<Pdu> got = new ArrayList<>();
            int fed = 0;
            while (fed < all.length) {
                int chunk = Math.min(all.length - fed, 1 + rnd.nextInt(rnd.nextBoolean() ? 7 : 120));
                buf.compact();
                buf.put(all, fed, chunk);
                buf.flip();
                fed += chunk;
                Pdu p;
                while ((p = decoder.decode(buf)) != null) {
                    got.add(p);
                }
            }
            assertThat(buf.hasRemaining()).isFalse();
            assertThat(got).as("seed %d", seed).isEqualTo(expected);
        }
    }

    /**
     * RFC 3720 Appendix B.4 (referenced by RFC 7143 §13.1): an iSCSI Read command BHS and its
     * CRC32C, "56 3a 96 d9" on the wire. Decoding it with header digests on checks the digest,
     * its byte order, and the SCSI Command layout against an outside source.
     */
    @Test
    void rfc3720ReadCommandVectorDecodesWithItsHeaderDigest() throws Exception {
        byte[] pdu = Vectors.hex("01c00000|00000000|00000000|00000000|14000000|00000400|00000014|00000018"
                + "|28000000|00000000|02000000|00000000|563a96d9");
        IscsiDecoder decoder = new IscsiDecoder(Receiver.TARGET, Digests.HEADER_ONLY, 8192);
        ByteBuffer in = ByteBuffer.wrap(pdu);
        Pdu p = decoder.decode(in);
        assertThat(in.hasRemaining()).isFalse();
        assertThat(p).isEqualTo(new Pdu.ScsiCommand(false, true, true, false, Pdu.TaskAttribute.UNTAGGED, 0,
                0x14000000, 1024, 20, 24, Bytes.fromHex("28000000000000000200000000000000"), OptionalInt.empty(),
                Bytes.EMPTY));
        assertThat(IscsiEncoder.encode(p, Digests.HEADER_ONLY)).isEqualTo(pdu);
    }

    @Test
    void shortCdbIsPaddedToSixteenBytes() {
        var c = new Pdu.ScsiCommand(false, true, false, false, 0, 0, 1, 0, 1, 1, Bytes.fromHex("00000000 0000"),
                OptionalInt.empty(), Bytes.EMPTY);
        assertThat(c.cdb().length()).isEqualTo(16);
    }

    @org.junit.jupiter.api.Test
    void theScsiCommandFastPathHeaderIsWhatTheEncoderWrites() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        for (int i = 0; i < 500; i++) {
            byte[] cdb = new byte[new int[] {6, 10, 12, 16}[r.nextInt(4)]];
            r.nextBytes(cdb);
            boolean read = r.nextBoolean();
            boolean write = !read && r.nextBoolean();
            boolean fin = r.nextBoolean();
            int attr = r.nextInt(5);
            long lun = r.nextLong();
            int itt = r.nextInt(), edtl = r.nextInt(), sn = r.nextInt(), exp = r.nextInt();
            int dsl = r.nextInt(1 << 16);
            byte[] fast = IscsiEncoder.scsiCommandBhs(fin, read, write, attr, lun, itt, edtl, sn, exp, cdb, dsl);
            byte[] data = new byte[dsl];
            byte[] full = IscsiEncoder.encode(new Pdu.ScsiCommand(false, fin, read, write, attr, lun, itt, edtl, sn,
                    exp, Bytes.of(cdb), java.util.OptionalInt.empty(), Bytes.of(data)), Digests.NONE);
            org.assertj.core.api.Assertions.assertThat(fast).isEqualTo(java.util.Arrays.copyOf(full, 48));
        }
    }
}
