package io.mpath4j.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** {@link IscsiEncoder#encodeHeader}: header, then data and padding sent apart, is the same wire as encode. */
class EncodeHeaderTest {

    static Pdu.DataIn dataIn(Bytes data) {
        return new Pdu.DataIn(true, false, false, false, true, 0, 0, 0x42, Pdu.RESERVED_TAG, 9, 10, 20, 2, 4096, 0, data);
    }

    @Test
    void headerThenDataThenPaddingIsTheEncodedPdu() {
        for (Digests d : new Digests[] {Digests.NONE, Digests.HEADER_ONLY}) {
            for (int n : new int[] {0, 1, 5, 512, 4099}) {
                byte[] data = new byte[n];
                for (int i = 0; i < n; i++) {
                    data[i] = (byte) (i * 7 + 3);
                }
                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                wire.writeBytes(IscsiEncoder.encodeHeader(dataIn(Bytes.EMPTY), n, d));
                wire.writeBytes(data);
                wire.writeBytes(new byte[Wire.pad4(n) - n]);
                assertThat(wire.toByteArray()).as("%s, %d bytes", d, n).isEqualTo(IscsiEncoder.encode(dataIn(Bytes.of(data)), d));
            }
        }
    }

    @Test
    void refusesWhatItCannotDo() {
        assertThatThrownBy(() -> IscsiEncoder.encodeHeader(dataIn(Bytes.of((byte) 1)), 1, Digests.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IscsiEncoder.encodeHeader(dataIn(Bytes.EMPTY), 8, Digests.BOTH))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
