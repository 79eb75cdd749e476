package io.mpath4j.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.iscsi.pdu.IscsiDecoder.Receiver;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link IscsiDecoder#decodeDataInHeader(ByteBuffer)}: the header-only decode of Data-In. */
class DataInHeaderTest {

    static Pdu.DataIn dataIn(Bytes data) {
        return new Pdu.DataIn(true, false, false, true, true, 0, 7, 0x1234, Pdu.RESERVED_TAG, 100, 5, 70, 3, 8192,
                17, data);
    }

    static final Bytes FIVE = Bytes.of((byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5);

    @Test
    void givesTheHeaderAndWhereTheDataSegmentLiesWithoutConsumingAnything() throws Exception {
        for (Digests d : new Digests[] {Digests.NONE, Digests.HEADER_ONLY, Digests.BOTH}) {
            IscsiDecoder decoder = new IscsiDecoder(Receiver.INITIATOR, d, 8192);
            byte[] wire = IscsiEncoder.encode(dataIn(FIVE), d);
            byte[] shifted = new byte[wire.length + 9];
            System.arraycopy(wire, 0, shifted, 6, wire.length);
            ByteBuffer in = ByteBuffer.allocateDirect(shifted.length).put(shifted).flip().position(6);
            var h = decoder.decodeDataInHeader(in);
            assertThat(in.position()).isEqualTo(6);
            assertThat(h.pdu()).isEqualTo(dataIn(Bytes.EMPTY));
            int digest = d.header() ? 4 : 0;
            assertThat(h.dataOffset()).isEqualTo(48 + digest);
            assertThat(h.dataLength()).isEqualTo(5);
            assertThat(h.length()).isEqualTo(wire.length).isEqualTo(48 + digest + 8 + (d.data() ? 4 : 0));
            byte[] data = new byte[5];
            in.get(6 + h.dataOffset(), data);
            assertThat(Bytes.of(data)).isEqualTo(FIVE);
            // the full decode agrees on the header and on the length
            assertThat(decoder.decode(in)).isEqualTo(dataIn(FIVE));
            assertThat(in.position()).isEqualTo(6 + h.length());
        }
    }

    @Test
    void anEmptyDataSegmentHasNoDataDigest() throws Exception {
        IscsiDecoder decoder = new IscsiDecoder(Receiver.INITIATOR, Digests.BOTH, 8192);
        byte[] wire = IscsiEncoder.encode(dataIn(Bytes.EMPTY), Digests.BOTH);
        var h = decoder.decodeDataInHeader(ByteBuffer.wrap(wire));
        assertThat(h.dataLength()).isZero();
        assertThat(h.length()).isEqualTo(52).isEqualTo(wire.length);
    }

    @Test
    void nullWhenTheHeaderIsIncompleteOrNotADataIn() throws Exception {
        IscsiDecoder none = new IscsiDecoder(Receiver.INITIATOR, Digests.NONE, 8192);
        IscsiDecoder digests = new IscsiDecoder(Receiver.INITIATOR, Digests.HEADER_ONLY, 8192);
        byte[] wire = IscsiEncoder.encode(dataIn(FIVE), Digests.HEADER_ONLY);
        assertThat(none.decodeDataInHeader(ByteBuffer.wrap(wire, 0, 47))).isNull();
        assertThat(digests.decodeDataInHeader(ByteBuffer.wrap(wire, 0, 51))).isNull();
        assertThat(digests.decodeDataInHeader(ByteBuffer.wrap(wire, 0, 52))).isNotNull(); // data not needed
        // another opcode
        byte[] nopIn = IscsiEncoder.encode(new Pdu.NopIn(0, 1, Pdu.RESERVED_TAG, 1, 2, 3, Bytes.EMPTY), Digests.NONE);
        assertThat(none.decodeDataInHeader(ByteBuffer.wrap(nopIn))).isNull();
        // a target does not accept Data-In; decode reports it
        assertThat(new IscsiDecoder(Receiver.TARGET, Digests.NONE, 8192)
                .decodeDataInHeader(ByteBuffer.wrap(IscsiEncoder.encode(dataIn(FIVE), Digests.NONE)))).isNull();
        // an AHS, which decode rejects
        byte[] ahs = Arrays.copyOf(IscsiEncoder.encode(dataIn(Bytes.EMPTY), Digests.NONE), 52);
        ahs[4] = 1;
        assertThat(none.decodeDataInHeader(ByteBuffer.wrap(ahs))).isNull();
        assertThatThrownBy(() -> none.decode(ByteBuffer.wrap(ahs))).isInstanceOf(IscsiProtocolException.class);
    }

    @Test
    void badHeadersFailAsInTheFullDecode() {
        IscsiDecoder digests = new IscsiDecoder(Receiver.INITIATOR, Digests.HEADER_ONLY, 8192);
        byte[] bad = IscsiEncoder.encode(dataIn(FIVE), Digests.HEADER_ONLY);
        bad[20] ^= 1;
        ByteBuffer in = ByteBuffer.wrap(bad);
        assertThatThrownBy(() -> digests.decodeDataInHeader(in)).isInstanceOf(HeaderDigestException.class);
        assertThat(in.position()).isZero();
        byte[] big = IscsiEncoder.encode(dataIn(FIVE), Digests.NONE);
        assertThatThrownBy(() -> new IscsiDecoder(Receiver.INITIATOR, Digests.NONE, 4)
                .decodeDataInHeader(ByteBuffer.wrap(big)))
                .isExactlyInstanceOf(IscsiProtocolException.class)
                .hasMessageContaining("MaxRecvDataSegmentLength");
        byte[] sWithoutF = IscsiEncoder.encode(dataIn(FIVE), Digests.NONE);
        sWithoutF[1] &= 0x7f; // S without F
        assertThatThrownBy(() -> new IscsiDecoder(Receiver.INITIATOR, Digests.NONE, 8192)
                .decodeDataInHeader(ByteBuffer.wrap(sWithoutF)))
                .isExactlyInstanceOf(IscsiProtocolException.class);
    }
}
