package io.mpath4j.nbd.protocol;

import static io.mpath4j.nbd.protocol.Corpus.HANDLE;
import static io.mpath4j.nbd.protocol.Corpus.IHAVEOPT;
import static io.mpath4j.nbd.protocol.Corpus.NBDMAGIC;
import static io.mpath4j.nbd.protocol.Corpus.REPLY_MAGIC;
import static io.mpath4j.nbd.protocol.Corpus.REQUEST;
import static io.mpath4j.nbd.protocol.Corpus.SIMPLE;
import static io.mpath4j.nbd.protocol.Corpus.STRUCTURED;
import static io.mpath4j.nbd.protocol.Vector.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed input: each case is rejected with an {@link NbdProtocolException} whose message says
 * what was wrong, and never with another exception.
 */
class NbdMalformedTest {

    /** Small limits, to test them with short inputs. */
    static final NbdLimits SMALL = new NbdLimits(100, 10, 16);
    static final NbdServerDecoder SMALL_SERVER = new NbdServerDecoder(SMALL);
    static final NbdClientDecoder SMALL_CLIENT = new NbdClientDecoder(SMALL);
    static final NbdServerDecoder SERVER = Corpus.SERVER;
    static final NbdClientDecoder CLIENT = Corpus.CLIENT;

    record Bad(String name, String hex, Vector.Decoder decoder, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Bad greeting(String name, String hex, String says) {
        return new Bad(name, hex, CLIENT::decodeGreeting, says);
    }

    static Bad option(String name, String hex, String says) {
        return new Bad(name, hex, SERVER::decodeOption, says);
    }

    static Bad optionReply(String name, String hex, String says) {
        return new Bad(name, hex, CLIENT::decodeOptionReply, says);
    }

    static Bad reply(String name, String hex, String says) {
        return new Bad(name, hex, Corpus::decodeReply, says);
    }

    static Stream<Bad> cases() {
        String info = REPLY_MAGIC + "|00000007|00000003|";
        String chunk = STRUCTURED + "|0001|";
        return Stream.of(
                // handshake
                greeting("greeting bad first magic", "4e42444d41474945|" + IHAVEOPT + "|0001",
                        "bad greeting magic 0x4e42444d41474945"),
                greeting("oldstyle greeting", NBDMAGIC + "|0000420281861253|0000", "oldstyle"),
                greeting("greeting bad second magic", NBDMAGIC + "|49484156454f5055|0001",
                        "bad greeting magic 0x49484156454f5055 after NBDMAGIC"),
                new Bad("client flags unknown bit", "00000004", in -> SERVER.decodeClientFlags(in, 3), "unknown bits 0x00000004"),
                new Bad("client NO_ZEROES not advertised", "00000003", in -> SERVER.decodeClientFlags(in, 1),
                        "NBD_FLAG_C_NO_ZEROES"),
                new Bad("client FIXED_NEWSTYLE not advertised", "00000001", in -> SERVER.decodeClientFlags(in, 0),
                        "NBD_FLAG_C_FIXED_NEWSTYLE"),
                new Bad("export name reply without HAS_FLAGS", "0000000000001000|0002",
                        in -> CLIENT.decodeExportNameReply(in, true), "NBD_FLAG_HAS_FLAGS"),
                // options: framing
                option("option bad magic", "49484156454f5055|00000001|00000000", "bad option magic 0x49484156454f5055"),
                option("option length over the limit, seen in the header alone", IHAVEOPT + "|00000001|ffffffff",
                        "data length 4294967295, over the limit of 65536"),
                new Bad("option over a small limit", IHAVEOPT + "|00000007|00000065", SMALL_SERVER::decodeOption,
                        "over the limit of 100"),
                // option replies
                optionReply("option reply bad magic", "0003e889045565aa|00000007|00000001|00000000",
                        "bad option reply magic 0x0003e889045565aa"),
                optionReply("option reply over the limit", REPLY_MAGIC + "|00000003|00000002|00010001",
                        "length 65537, over the limit of 65536"),
                optionReply("NBD_REP_ACK with data", REPLY_MAGIC + "|00000007|00000001|00000001|00", "NBD_REP_ACK carries no data"),
                optionReply("NBD_REP_SERVER shorter than its name length field", REPLY_MAGIC + "|00000003|00000002|00000003|000000",
                        "shorter than its 4-byte name length"),
                optionReply("NBD_REP_SERVER name length over reply length - 4",
                        REPLY_MAGIC + "|00000003|00000002|00000006|00000003|6162", "name length 3 is larger than the reply length 6 - 4"),
                optionReply("NBD_REP_SERVER name length 0xffffffff", REPLY_MAGIC + "|00000003|00000002|00000004|ffffffff",
                        "name length 4294967295"),
                optionReply("NBD_REP_SERVER name not UTF-8", REPLY_MAGIC + "|00000003|00000002|00000006|00000002|c328",
                        "not valid UTF-8"),
                optionReply("NBD_REP_SERVER name with NUL", REPLY_MAGIC + "|00000003|00000002|00000006|00000002|6100",
                        "NUL"),
                optionReply("NBD_REP_INFO shorter than its type", info + "00000001|00", "shorter than its 2-byte information type"),
                optionReply("NBD_INFO_EXPORT length 11", info + "0000000b|0000|0000000000100000|00", "NBD_INFO_EXPORT length MUST be 12"),
                optionReply("NBD_INFO_EXPORT length 13", info + "0000000d|0000|0000000000100000|0001|00",
                        "NBD_INFO_EXPORT length MUST be 12"),
                optionReply("NBD_INFO_EXPORT without HAS_FLAGS", info + "0000000c|0000|0000000000100000|0002", "NBD_FLAG_HAS_FLAGS"),
                optionReply("NBD_INFO_BLOCK_SIZE length 13", info + "0000000d|0003|00000001|00001000|000010",
                        "NBD_INFO_BLOCK_SIZE length MUST be 14"),
                optionReply("NBD_INFO_BLOCK_SIZE minimum not a power of 2", info + "0000000e|0003|00000003|00001000|00001000",
                        "minimum block size 3"),
                optionReply("NBD_INFO_BLOCK_SIZE minimum over 64 KiB", info + "0000000e|0003|00020000|00020000|00020000",
                        "minimum block size 131072"),
                optionReply("NBD_INFO_BLOCK_SIZE preferred under 512", info + "0000000e|0003|00000001|00000100|00001000",
                        "preferred block size 256"),
                optionReply("NBD_INFO_BLOCK_SIZE maximum not a multiple", info + "0000000e|0003|00000200|00001000|00000300",
                        "maximum block size 768"),
                optionReply("NBD_INFO_NAME not UTF-8", info + "00000003|0001|ff", "not valid UTF-8"),
                optionReply("error message not UTF-8", REPLY_MAGIC + "|00000007|80000001|00000002|c0af", "not valid UTF-8"),
                new Bad("error message over the string limit", REPLY_MAGIC + "|00000007|80000001|0000000b|" + "61".repeat(11),
                        SMALL_CLIENT::decodeOptionReply, "error message length 11 is over the limit of 10"),
                // requests
                new Bad("request bad magic", "25609514|0000|0000|" + HANDLE + "|0000000000000000|00000000",
                        SERVER::decodeRequest, "bad request magic 0x25609514"),
                new Bad("old request magic", "12560953|0000|0000|" + HANDLE + "|0000000000000000|00000000",
                        SERVER::decodeRequest, "bad request magic 0x12560953"),
                new Bad("write over the payload limit, seen in the header alone",
                        REQUEST + "|0000|0001|" + HANDLE + "|0000000000000000|02000001", SERVER::decodeRequest,
                        "write of 33554433 bytes"),
                new Bad("write over a small payload limit", REQUEST + "|0000|0001|" + HANDLE + "|0000000000000000|00000011",
                        SMALL_SERVER::decodeRequest, "over the payload limit of 16"),
                // replies
                reply("reply bad magic", "67446699|00000000|" + HANDLE, "bad reply magic 0x67446699"),
                reply("old reply magic", "96744668|00000000|" + HANDLE, "bad reply magic 0x96744668"),
                reply("simple reply to a handle not in flight", SIMPLE + "|00000000|00000000000000ff", "not in flight"),
                new Bad("simple reply to a read over the payload limit", SIMPLE + "|00000000|0000000000000010",
                        in -> SMALL_CLIENT.decodeReply(in, Corpus.IN_FLIGHT), "carries 512 bytes, over the payload limit of 16"),
                reply("chunk for a handle not in flight", chunk + "0000|00000000000000ff|00000000", "not in flight"),
                reply("chunk unknown non-error type", chunk + "0003|" + HANDLE + "|00000000", "unknown or unexpected and not an error type"),
                reply("chunk NBD_REPLY_TYPE_BLOCK_STATUS (no context negotiated)", chunk + "0005|" + HANDLE + "|0000000c|00000001|00000200|00000000",
                        "unknown or unexpected"),
                reply("chunk NONE with payload", chunk + "0000|" + HANDLE + "|00000001|00", "NBD_REPLY_TYPE_NONE length MUST be 0"),
                reply("chunk NONE without DONE", STRUCTURED + "|0000|0000|" + HANDLE + "|00000000", "MUST have NBD_REPLY_FLAG_DONE"),
                reply("chunk OFFSET_DATA without data", chunk + "0001|" + HANDLE + "|00000008|0000000000000000",
                        "NBD_REPLY_TYPE_OFFSET_DATA length MUST be at least 9, got 8"),
                reply("chunk OFFSET_DATA length 0xffffffff", chunk + "0001|" + HANDLE + "|ffffffff", "over the payload limit"),
                new Bad("chunk OFFSET_DATA over a small payload limit", chunk + "0001|" + HANDLE + "|00000019",
                        in -> SMALL_CLIENT.decodeReply(in, Corpus.IN_FLIGHT), "length 25, over the payload limit of 16 + 8"),
                reply("chunk OFFSET_HOLE length 11", chunk + "0002|" + HANDLE + "|0000000b|0000000000000000|000000",
                        "NBD_REPLY_TYPE_OFFSET_HOLE length MUST be 12, got 11"),
                reply("chunk OFFSET_HOLE size 0", chunk + "0002|" + HANDLE + "|0000000c|0000000000000000|00000000",
                        "hole size MUST be nonzero"),
                reply("chunk ERROR shorter than 6", chunk + "8001|" + HANDLE + "|00000005|00000005|00", "at least 6, got 5"),
                reply("chunk ERROR with error 0", chunk + "8001|" + HANDLE + "|00000006|00000000|0000", "error value 0"),
                reply("chunk ERROR message length over length - 6", chunk + "8001|" + HANDLE + "|00000008|00000005|0003|6162",
                        "message length 3 does not fit in the chunk length 8 - 6"),
                reply("chunk ERROR bytes after the message", chunk + "8001|" + HANDLE + "|00000008|00000005|0001|61|62",
                        "1 bytes after the message"),
                reply("chunk ERROR message not UTF-8", chunk + "8001|" + HANDLE + "|00000007|00000005|0001|80", "not valid UTF-8"),
                reply("chunk ERROR_OFFSET shorter than 14", chunk + "8002|" + HANDLE + "|0000000d|00000005|0000|00000000000000",
                        "at least 14, got 13"),
                reply("chunk ERROR_OFFSET message length over length - 14",
                        chunk + "8002|" + HANDLE + "|0000000f|00000005|0002|61|0000000000000000",
                        "message length 2 does not fit in the chunk length 15 - 14"),
                reply("chunk unknown error type, message too long", chunk + "8007|" + HANDLE + "|00000007|00000005|0002|61",
                        "message length 2 does not fit"),
                reply("chunk unknown error type with error 0", chunk + "8007|" + HANDLE + "|00000006|00000000|0000", "error value 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRejectedWithAClearMessage(Bad bad) {
        ByteBuffer in = ByteBuffer.wrap(hex(bad.hex()));
        assertThatThrownBy(() -> bad.decoder().decode(in))
                .isInstanceOf(NbdProtocolException.class)
                .hasMessageContaining(bad.says());
    }

    record BadOption(String name, String hex, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Well-framed options with invalid data: consumed, so the server can answer NBD_REP_ERR_INVALID. */
    static Stream<BadOption> invalidOptions() {
        return Stream.of(
                new BadOption("NBD_OPT_LIST with data", IHAVEOPT + "|00000003|00000001|00", "NBD_OPT_LIST carries no data, but has 1 bytes"),
                new BadOption("NBD_OPT_STARTTLS with data", IHAVEOPT + "|00000005|00000002|0000", "NBD_OPT_STARTTLS carries no data"),
                new BadOption("NBD_OPT_STRUCTURED_REPLY with data", IHAVEOPT + "|00000008|00000001|00",
                        "NBD_OPT_STRUCTURED_REPLY carries no data"),
                new BadOption("NBD_OPT_GO shorter than 6", IHAVEOPT + "|00000007|00000005|00000000|00",
                        "NBD_OPT_GO data length 5 is shorter than the 6 bytes"),
                new BadOption("NBD_OPT_GO name length over option length - 6", IHAVEOPT + "|00000007|00000008|00000003|6162|0000",
                        "name length 3 is larger than the option data length 8 - 6"),
                new BadOption("NBD_OPT_INFO name length 0xffffffff", IHAVEOPT + "|00000006|00000006|ffffffff|0000",
                        "NBD_OPT_INFO name length 4294967295"),
                new BadOption("NBD_OPT_GO request count over the data", IHAVEOPT + "|00000007|00000008|00000000|0002|0000",
                        "announces 2 information requests (4 bytes) but 2 bytes remain"),
                new BadOption("NBD_OPT_GO request count under the data", IHAVEOPT + "|00000007|0000000a|00000000|0001|0000|0001",
                        "announces 1 information requests (2 bytes) but 4 bytes remain"),
                new BadOption("NBD_OPT_GO repeated request", IHAVEOPT + "|00000007|0000000a|00000000|0002|0003|0003",
                        "lists information request 3 more than once"),
                new BadOption("NBD_OPT_GO name not UTF-8", IHAVEOPT + "|00000007|00000007|00000001|ff|0000", "not valid UTF-8"),
                new BadOption("NBD_OPT_EXPORT_NAME with NUL", IHAVEOPT + "|00000001|00000003|610062", "NUL"),
                new BadOption("NBD_OPT_EXPORT_NAME not UTF-8 (overlong)", IHAVEOPT + "|00000001|00000002|c0af", "not valid UTF-8"),
                new BadOption("NBD_OPT_EXPORT_NAME over 4096 bytes", IHAVEOPT + "|00000001|00001001|" + "61".repeat(4097),
                        "export name length 4097 is over the limit of 4096"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOptions")
    void invalidOptionDataIsConsumedAndTheStreamStaysInSync(BadOption bad) throws Exception {
        byte[] opt = hex(bad.hex());
        byte[] abort = hex(IHAVEOPT + "|00000002|00000000");
        ByteBuffer in = ByteBuffer.allocate(opt.length + abort.length).put(opt).put(abort).flip();
        int code = ByteBuffer.wrap(opt).getInt(8);
        assertThatThrownBy(() -> SERVER.decodeOption(in))
                .isInstanceOfSatisfying(InvalidOptionException.class, e -> assertThat(e.option()).isEqualTo(code))
                .hasMessageContaining(bad.says());
        assertThat(in.position()).isEqualTo(opt.length);
        assertThat(SERVER.decodeOption(in)).isEqualTo(new ClientOption.Abort());
    }

    @Test
    void abortDataIsIgnoredAsTheSpecAsks() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(hex(IHAVEOPT + "|00000002|00000003|616263"));
        assertThat(SERVER.decodeOption(in)).isEqualTo(new ClientOption.Abort());
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void overLimitLengthsAreRejectedBeforeTheDataArrives() {
        // only the headers are present: the decoders must not wait for (or allocate) 4 GiB
        List<Bad> headerOnly = cases().filter(b -> b.name().contains("header alone") || b.name().contains("0xffffffff")).toList();
        assertThat(headerOnly).hasSizeGreaterThanOrEqualTo(3);
        for (Bad b : headerOnly) {
            assertThatThrownBy(() -> b.decoder().decode(ByteBuffer.wrap(hex(b.hex())))).as(b.name())
                    .isInstanceOf(NbdProtocolException.class);
        }
    }

    @Test
    void truncatedMessagesAreNotErrorsButNeedMore() throws Exception {
        // a truncated frame is just an incomplete stream; inconsistent inner lengths are errors (above)
        assertThat(SERVER.decodeOption(ByteBuffer.wrap(hex(IHAVEOPT + "|00000007|00000010|00000001")))).isNull();
        assertThat(CLIENT.decodeOptionReply(ByteBuffer.wrap(hex(REPLY_MAGIC + "|00000007|00000003|0000000c|0000")))).isNull();
        assertThat(Corpus.decodeReply(ByteBuffer.wrap(hex(SIMPLE + "|00000000|" + HANDLE + "|0102")))).isNull();
        assertThat(Corpus.decodeReply(ByteBuffer.wrap(hex(STRUCTURED + "|0000|0001|" + HANDLE + "|0000000b|00")))).isNull();
    }
}
