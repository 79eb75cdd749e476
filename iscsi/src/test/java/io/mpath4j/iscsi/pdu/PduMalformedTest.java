package io.mpath4j.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.iscsi.pdu.IscsiDecoder.Receiver;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PduMalformedTest {

    static final IscsiDecoder ANY = new IscsiDecoder(Receiver.ANY, Digests.NONE, 8192);

    static byte[] vector(String name) {
        return Vectors.ALL.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().bytes();
    }

    static IscsiProtocolException fails(IscsiDecoder decoder, byte[] bytes, boolean consumed) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var thrown = org.assertj.core.api.Assertions.catchThrowableOfType(IscsiProtocolException.class,
                () -> decoder.decode(in));
        assertThat(thrown).as("expected an IscsiProtocolException").isNotNull();
        assertThat(in.position()).isEqualTo(consumed ? bytes.length : 0);
        return thrown;
    }

    @Test
    void dataSegmentOverMaxRecvIsRejectedFromTheHeaderAlone() {
        byte[] bhs = new byte[48];
        bhs[0] = 0x25; // Data-In
        bhs[5] = 0x00;
        bhs[6] = 0x20;
        bhs[7] = 0x01; // 8193 bytes, none of them sent
        var e = fails(new IscsiDecoder(Receiver.INITIATOR, Digests.NONE, 8192), bhs, false);
        assertThat(e).hasMessageContaining("8193").hasMessageContaining("MaxRecvDataSegmentLength");
        // exactly at the limit: waits for the data
        bhs[7] = 0x00;
        assertThat(catchNull(new IscsiDecoder(Receiver.INITIATOR, Digests.NONE, 8192), bhs)).isTrue();
    }

    static boolean catchNull(IscsiDecoder d, byte[] b) {
        try {
            return d.decode(ByteBuffer.wrap(b)) == null;
        } catch (IscsiProtocolException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void headerDigestMismatchIsItsOwnTypeAndConsumesNothing() {
        byte[] good = IscsiEncoder.encode(Vectors.ALL.getFirst().value(), Digests.BOTH);
        byte[] bad = good.clone();
        bad[20] ^= 1; // a bit of the TTT
        var e = fails(new IscsiDecoder(Receiver.ANY, Digests.BOTH, 8192), bad, false);
        assertThat(e).isInstanceOf(HeaderDigestException.class);
        byte[] badDigest = good.clone();
        badDigest[48] ^= (byte) 0x80;
        assertThat(fails(new IscsiDecoder(Receiver.ANY, Digests.BOTH, 8192), badDigest, false))
                .isInstanceOf(HeaderDigestException.class);
    }

    @Test
    void headerDigestIsCheckedBeforeTheLengthIsBelieved() {
        byte[] good = IscsiEncoder.encode(Vectors.ALL.getFirst().value(), Digests.HEADER_ONLY);
        good[5] = 0x7f; // a corrupted, huge DataSegmentLength
        assertThat(fails(new IscsiDecoder(Receiver.ANY, Digests.HEADER_ONLY, 8192), good, false))
                .isInstanceOf(HeaderDigestException.class);
    }

    @Test
    void dataDigestMismatchConsumesThePduAndKeepsTheHeader() {
        Pdu nop = Vectors.ALL.getFirst().value();
        byte[] good = IscsiEncoder.encode(nop, Digests.BOTH);
        byte[] bad = good.clone();
        bad[52] ^= 1; // first data byte
        var e = fails(new IscsiDecoder(Receiver.ANY, Digests.BOTH, 8192), bad, true);
        assertThat(e).isInstanceOf(DataDigestException.class);
        DataDigestException d = (DataDigestException) e;
        assertThat(d.opcode()).isEqualTo(Opcode.NOP_OUT);
        assertThat(d.initiatorTaskTag()).isEqualTo(1);
        assertThat(d.header()).isEqualTo(Bytes.of(java.util.Arrays.copyOf(good, 48)));
    }

    @Test
    void unknownVendorAndWrongDirectionOpcodesAreConsumedAsUnsupported() {
        for (int code : new int[] {0x07, 0x1c, 0x3c, 0x2f, 0x11}) {
            byte[] b = new byte[52];
            b[0] = (byte) code;
            b[7] = 4;
            var e = fails(ANY, b, true);
            assertThat(e).isInstanceOf(UnsupportedPduException.class);
            assertThat(((UnsupportedPduException) e).opcode()).isEqualTo(code);
        }
        assertThat(fails(new IscsiDecoder(Receiver.INITIATOR, Digests.NONE, 8192), vector("NOP-Out"), true))
                .isInstanceOf(UnsupportedPduException.class);
        assertThat(fails(new IscsiDecoder(Receiver.TARGET, Digests.NONE, 8192), vector("NOP-In"), true))
                .isInstanceOf(UnsupportedPduException.class);
    }

    @Test
    void ahsOverrunAndUnknownAhsType() {
        byte[] b = vector("SCSI Command 32-byte CDB, bidi, immediate data");
        byte[] overrun = b.clone();
        overrun[48 + 20 + 1] = 9; // bidi AHSLength 9 -> 12 bytes, 8 left
        assertThat(fails(ANY, overrun, false)).hasMessageContaining("overruns");
        byte[] extOverrun = b.clone();
        extOverrun[49] = 0x40; // Extended CDB AHSLength 64
        assertThat(fails(ANY, extOverrun, false)).hasMessageContaining("overruns");
        byte[] unknown = b.clone();
        unknown[48 + 20 + 2] = 3;
        assertThat(fails(ANY, unknown, false)).hasMessageContaining("AHSType 3");
        byte[] twice = b.clone();
        twice[48 + 20 + 2] = 1;
        assertThat(fails(ANY, twice, false)).isExactlyInstanceOf(IscsiProtocolException.class);
        byte[] bidiLength = b.clone();
        bidiLength[48 + 20 + 1] = 4;
        assertThat(fails(ANY, bidiLength, false)).hasMessageContaining("MUST be 5");
    }

    @Test
    void ahsOnOtherOpcodesIsRejected() {
        byte[] b = new byte[52];
        b[0] = 0x20;
        b[1] = (byte) 0x80;
        b[4] = 1;
        assertThat(fails(ANY, b, false)).hasMessageContaining("AHS");
    }

    @Test
    void senseLengthOverrunningTheSegment() {
        byte[] b = vector("SCSI Response with sense");
        b[48 + 1] = 0x13; // SenseLength 19, 18 bytes follow
        assertThat(fails(ANY, b, false)).hasMessageContaining("SenseLength 19");
        byte[] one = Vectors.hex("21800000|00000001|" + Vectors.Z8 + "|00000001|" + Vectors.Z4.repeat(7) + "|00000000");
        assertThat(fails(ANY, one, false)).hasMessageContaining("2-byte SenseLength");
    }

    @Test
    void inconsistentFlags() {
        byte[] login = vector("Login Request");
        login[1] = (byte) 0xc7; // T and C
        assertThat(fails(ANY, login, false)).hasMessageContaining("T and C");
        login[1] = (byte) 0x84; // transit from 1 to 0
        assertThat(fails(ANY, login, false)).hasMessageContaining("later stage");
        byte[] text = vector("Text Request");
        text[1] = (byte) 0xc0; // F and C
        assertThat(fails(ANY, text, false)).hasMessageContaining("F and C");
        byte[] dataIn = vector("Data-In middle");
        dataIn[1] = 0x01; // S without F
        assertThat(fails(ANY, dataIn, false)).hasMessageContaining("S bit");
        byte[] response = vector("SCSI Response good, o and O");
        response[1] = (byte) 0x86; // O and U
        assertThat(fails(ANY, response, false)).hasMessageContaining("overflow and underflow");
    }

    @Test
    void dataOnPdusThatCarryNone() {
        byte[] r2t = vector("R2T");
        byte[] withData = java.util.Arrays.copyOf(r2t, 52);
        withData[7] = 4;
        assertThat(fails(ANY, withData, false)).hasMessageContaining("MUST be 0");
    }

    @Test
    void encoderRejectsBadValues() {
        assertThatThrownBy(() -> new Pdu.LoginRequest(true, true, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, Bytes.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pdu.LogoutResponse(0, 0, 0, 0, 0, 0x10000, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
