package io.mpath4j.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The header-only entry points a client uses to move data straight between socket and caller buffer. */
class HeaderOnlyCodecTest {

    private final NbdClientDecoder decoder = new NbdClientDecoder();

    @Test
    void requestHeaderIsTheFirst28BytesOfTheFullRequest() {
        byte[] data = {1, 2, 3, 4, 5};
        Request full = Request.write(0x0102030405060708L, 4096, data, CommandFlag.FUA);
        ByteBuffer whole = NbdEncoder.encode(full);
        ByteBuffer header = ByteBuffer.allocate(Request.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        NbdEncoder.encodeRequestHeader(full.flags(), full.type(), full.handle(), full.offset(), full.length(), header);
        assertThat(header.position()).isEqualTo(Request.HEADER_LENGTH);
        assertThat(header.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(header.array()).isEqualTo(Arrays.copyOf(whole.array(), Request.HEADER_LENGTH));
    }

    @Test
    void requestHeaderChecksItsFields() {
        ByteBuffer out = ByteBuffer.allocate(64);
        assertThatThrownBy(() -> NbdEncoder.encodeRequestHeader(0, 0, 1, 0, 1L << 32, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
        assertThatThrownBy(() -> NbdEncoder.encodeRequestHeader(0x10000, 0, 1, 0, 0, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flags");
    }

    @Test
    void simpleReplyHeaderLeavesTheReadDataInTheBuffer() throws Exception {
        ByteBuffer in = NbdEncoder.encode(SimpleReply.read(42, new byte[] {9, 8, 7}));
        SimpleReply head = decoder.decodeSimpleReplyHeader(in);
        assertThat(head).isEqualTo(SimpleReply.ok(42));
        assertThat(in.remaining()).isEqualTo(3);
        assertThat(in.get()).isEqualTo((byte) 9);
    }

    @Test
    void simpleReplyHeaderNeedsSixteenBytesAndConsumesNothingBefore() throws Exception {
        byte[] bytes = NbdEncoder.encode(SimpleReply.error(7, NbdError.EIO)).array();
        for (int k = 0; k < bytes.length; k++) {
            ByteBuffer in = ByteBuffer.wrap(bytes, 0, k);
            assertThat(decoder.decodeSimpleReplyHeader(in)).isNull();
            assertThat(in.position()).isZero();
        }
        SimpleReply r = decoder.decodeSimpleReplyHeader(ByteBuffer.wrap(bytes));
        assertThat(r.handle()).isEqualTo(7);
        assertThat(r.error()).isEqualTo(NbdError.EIO.code());
    }

    @Test
    void structuredChunkOrGarbageIsAProtocolError() {
        ByteBuffer chunk = NbdEncoder.encode(new ReplyChunk.None(ReplyFlag.DONE.mask(), 1));
        assertThatThrownBy(() -> decoder.decodeSimpleReplyHeader(chunk))
                .isInstanceOf(NbdProtocolException.class).hasMessageContaining("not negotiated");
        assertThatThrownBy(() -> decoder.decodeSimpleReplyHeader(ByteBuffer.allocate(16)))
                .isInstanceOf(NbdProtocolException.class).hasMessageContaining("bad reply magic");
    }
}
