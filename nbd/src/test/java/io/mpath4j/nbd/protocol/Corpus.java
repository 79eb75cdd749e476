package io.mpath4j.nbd.protocol;

import static io.mpath4j.nbd.protocol.Vector.hex;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte vectors for every message the codec handles, written by hand from the layouts in proto.md
 * (field by field, separated by '|'), with the values they stand for.
 */
final class Corpus {

    private Corpus() {}

    static final NbdServerDecoder SERVER = new NbdServerDecoder();
    static final NbdClientDecoder CLIENT = new NbdClientDecoder();

    static final String NBDMAGIC = "4e42444d41474943";
    static final String IHAVEOPT = "49484156454f5054";
    static final String REPLY_MAGIC = "0003e889045565a9";
    static final String REQUEST = "25609513";
    static final String SIMPLE = "67446698";
    static final String STRUCTURED = "668e33ef";
    static final String HANDLE = "0102030405060708";
    static final long H = 0x0102030405060708L;

    /** Handles in flight, for decodeReply: H is a 4-byte read, 0x10 a 512-byte read, 0x20 a write. */
    static final ExpectedReadLength IN_FLIGHT = handle -> {
        if (handle == H) {
            return 4;
        }
        if (handle == 0x10) {
            return 512;
        }
        if (handle == 0x20) {
            return 0;
        }
        return ExpectedReadLength.UNKNOWN_HANDLE;
    };

    static Object decodeReply(ByteBuffer in) throws NbdProtocolException {
        return CLIENT.decodeReply(in, IN_FLIGHT);
    }

    static List<Vector> all() {
        List<Vector> v = new ArrayList<>();
        v.addAll(handshake());
        v.addAll(options());
        v.addAll(optionReplies());
        v.addAll(requests());
        v.addAll(replies());
        return v;
    }

    static List<Vector> handshake() {
        int both = HandshakeFlag.maskOf(HandshakeFlag.FIXED_NEWSTYLE, HandshakeFlag.NO_ZEROES);
        return List.of(
                new Vector("greeting FIXED_NEWSTYLE|NO_ZEROES", hex(NBDMAGIC + "|" + IHAVEOPT + "|0003"),
                        new ServerGreeting(both), CLIENT::decodeGreeting, o -> NbdEncoder.encode((ServerGreeting) o)),
                new Vector("greeting with an unknown flag kept", hex(NBDMAGIC + "|" + IHAVEOPT + "|8001"),
                        new ServerGreeting(0x8001), CLIENT::decodeGreeting, o -> NbdEncoder.encode((ServerGreeting) o)),
                new Vector("client flags C_FIXED_NEWSTYLE|C_NO_ZEROES", hex("00000003"), new ClientFlags(3),
                        in -> SERVER.decodeClientFlags(in, both), o -> NbdEncoder.encode((ClientFlags) o)),
                new Vector("client flags none", hex("00000000"), new ClientFlags(0),
                        in -> SERVER.decodeClientFlags(in, 0), o -> NbdEncoder.encode((ClientFlags) o)),
                new Vector("export name reply with 124 zeroes", hex("0000000040000000|0003" + "00".repeat(124)),
                        new ExportNameReply(1L << 30, 3), in -> CLIENT.decodeExportNameReply(in, false),
                        o -> NbdEncoder.encode((ExportNameReply) o, false)),
                new Vector("export name reply NO_ZEROES", hex("ffffffffffffffff|0fff"),
                        new ExportNameReply(-1L, 0x0fff), in -> CLIENT.decodeExportNameReply(in, true),
                        o -> NbdEncoder.encode((ExportNameReply) o, true)));
    }

    private static Vector option(String name, String hex, ClientOption value) {
        return new Vector(name, hex(hex), value, SERVER::decodeOption, o -> NbdEncoder.encode((ClientOption) o));
    }

    static List<Vector> options() {
        return List.of(
                option("NBD_OPT_EXPORT_NAME disk", IHAVEOPT + "|00000001|00000004|6469736b",
                        new ClientOption.ExportName("disk")),
                option("NBD_OPT_EXPORT_NAME default", IHAVEOPT + "|00000001|00000000", new ClientOption.ExportName("")),
                option("NBD_OPT_ABORT", IHAVEOPT + "|00000002|00000000", new ClientOption.Abort()),
                option("NBD_OPT_LIST", IHAVEOPT + "|00000003|00000000", new ClientOption.ListExports()),
                option("NBD_OPT_STARTTLS", IHAVEOPT + "|00000005|00000000", new ClientOption.StartTls()),
                option("NBD_OPT_INFO default, no requests", IHAVEOPT + "|00000006|00000006|00000000|0000",
                        new ClientOption.Info("", List.of())),
                option("NBD_OPT_GO a, BLOCK_SIZE+NAME",
                        IHAVEOPT + "|00000007|0000000b|00000001|61|0002|0003|0001",
                        new ClientOption.Go("a", InfoType.BLOCK_SIZE, InfoType.NAME)),
                option("NBD_OPT_GO UTF-8 name, unknown request kept",
                        IHAVEOPT + "|00000007|0000000a|00000002|c3a9|0001|1234",
                        new ClientOption.Go("\u00e9", List.of(0x1234))),
                option("NBD_OPT_STRUCTURED_REPLY", IHAVEOPT + "|00000008|00000000", new ClientOption.StructuredReply()),
                option("NBD_OPT_SET_META_CONTEXT kept as unknown", IHAVEOPT + "|0000000a|00000004|00000000",
                        new ClientOption.Unknown(10, new byte[4])),
                option("unknown option 0xdeadbeef", IHAVEOPT + "|deadbeef|00000002|abcd",
                        new ClientOption.Unknown(0xdeadbeef, hex("abcd"))));
    }

    private static Vector reply(String name, String hex, OptionReply value) {
        return new Vector(name, hex(hex), value, CLIENT::decodeOptionReply, o -> NbdEncoder.encode((OptionReply) o));
    }

    static List<Vector> optionReplies() {
        int flags = TransmissionFlag.maskOf(TransmissionFlag.HAS_FLAGS, TransmissionFlag.SEND_FLUSH,
                TransmissionFlag.SEND_FUA);
        return List.of(
                reply("NBD_REP_ACK to GO", REPLY_MAGIC + "|00000007|00000001|00000000", new OptionReply.Ack(7)),
                reply("NBD_REP_SERVER name only", REPLY_MAGIC + "|00000003|00000002|00000008|00000004|6469736b",
                        new OptionReply.Server(3, "disk")),
                reply("NBD_REP_SERVER with description", REPLY_MAGIC + "|00000003|00000002|00000008|00000001|61|622063",
                        new OptionReply.Server(3, "a", "b c")),
                reply("NBD_REP_INFO NBD_INFO_EXPORT", REPLY_MAGIC + "|00000007|00000003|0000000c|0000|0000000000100000|000d",
                        new OptionReply.Info(7, new InfoItem.Export(0x100000, flags))),
                reply("NBD_REP_INFO NBD_INFO_NAME", REPLY_MAGIC + "|00000007|00000003|00000006|0001|6469736b",
                        new OptionReply.Info(7, new InfoItem.Name("disk"))),
                reply("NBD_REP_INFO NBD_INFO_DESCRIPTION", REPLY_MAGIC + "|00000006|00000003|00000003|0002|64",
                        new OptionReply.Info(6, new InfoItem.Description("d"))),
                reply("NBD_REP_INFO NBD_INFO_BLOCK_SIZE",
                        REPLY_MAGIC + "|00000007|00000003|0000000e|0003|00000001|00001000|02000000",
                        new OptionReply.Info(7, new InfoItem.BlockSize(1, 4096, 1 << 25))),
                reply("NBD_REP_INFO NBD_INFO_BLOCK_SIZE unlimited max",
                        REPLY_MAGIC + "|00000007|00000003|0000000e|0003|00000200|00000200|ffffffff",
                        new OptionReply.Info(7, new InfoItem.BlockSize(512, 512, 0xffffffffL))),
                reply("NBD_REP_INFO unknown info type kept", REPLY_MAGIC + "|00000006|00000003|00000003|1234|aa",
                        new OptionReply.Info(6, new InfoItem.Unknown(0x1234, hex("aa")))),
                reply("NBD_REP_ERR_UNSUP no message", REPLY_MAGIC + "|00000008|80000001|00000000",
                        new OptionReply.ErrorReply(8, OptionReplyType.ERR_UNSUP, "")),
                reply("NBD_REP_ERR_POLICY", REPLY_MAGIC + "|00000003|80000002|00000001|78",
                        new OptionReply.ErrorReply(3, OptionReplyType.ERR_POLICY, "x")),
                reply("NBD_REP_ERR_INVALID", REPLY_MAGIC + "|00000003|80000003|00000000",
                        new OptionReply.ErrorReply(3, OptionReplyType.ERR_INVALID, "")),
                reply("NBD_REP_ERR_PLATFORM", REPLY_MAGIC + "|00000005|80000004|00000000",
                        new OptionReply.ErrorReply(5, OptionReplyType.ERR_PLATFORM, "")),
                reply("NBD_REP_ERR_TLS_REQD", REPLY_MAGIC + "|00000007|80000005|00000003|544c53",
                        new OptionReply.ErrorReply(7, OptionReplyType.ERR_TLS_REQD, "TLS")),
                reply("NBD_REP_ERR_UNKNOWN with message",
                        REPLY_MAGIC + "|00000007|80000006|0000000e|6e6f2073756368206578706f7274",
                        new OptionReply.ErrorReply(7, OptionReplyType.ERR_UNKNOWN, "no such export")),
                reply("NBD_REP_ERR_SHUTDOWN", REPLY_MAGIC + "|00000007|80000007|00000000",
                        new OptionReply.ErrorReply(7, OptionReplyType.ERR_SHUTDOWN, "")),
                reply("NBD_REP_ERR_BLOCK_SIZE_REQD", REPLY_MAGIC + "|00000007|80000008|00000000",
                        new OptionReply.ErrorReply(7, OptionReplyType.ERR_BLOCK_SIZE_REQD, "")),
                reply("NBD_REP_ERR_TOO_BIG", REPLY_MAGIC + "|0000000a|80000009|00000000",
                        new OptionReply.ErrorReply(10, OptionReplyType.ERR_TOO_BIG, "")),
                reply("unknown error type kept", REPLY_MAGIC + "|00000001|800000ff|00000001|7a",
                        new OptionReply.ErrorReply(1, 0x800000ff, "z")),
                reply("NBD_REP_META_CONTEXT kept as unknown",
                        REPLY_MAGIC + "|0000000a|00000004|00000013|00000001|626173653a616c6c6f636174696f6e",
                        new OptionReply.Unknown(10, 4, hex("00000001626173653a616c6c6f636174696f6e"))));
    }

    private static Vector request(String name, String hex, Request value) {
        return new Vector(name, hex(hex), value, SERVER::decodeRequest, o -> NbdEncoder.encode((Request) o));
    }

    static List<Vector> requests() {
        return List.of(
                request("NBD_CMD_READ", REQUEST + "|0000|0000|" + HANDLE + "|0000000000001000|00000200",
                        Request.read(H, 0x1000, 0x200)),
                request("NBD_CMD_READ DF", REQUEST + "|0004|0000|" + HANDLE + "|0000000000000000|00010000",
                        Request.read(H, 0, 0x10000, CommandFlag.DF)),
                request("NBD_CMD_WRITE FUA", REQUEST + "|0001|0001|" + HANDLE + "|ffffffffffff0000|00000004|deadbeef",
                        Request.write(H, 0xffffffffffff0000L, hex("deadbeef"), CommandFlag.FUA)),
                request("NBD_CMD_WRITE empty", REQUEST + "|0000|0001|" + HANDLE + "|0000000000000000|00000000",
                        Request.write(H, 0, new byte[0])),
                request("NBD_CMD_DISC", REQUEST + "|0000|0002|" + HANDLE + "|0000000000000000|00000000",
                        Request.disconnect(H)),
                request("NBD_CMD_FLUSH", REQUEST + "|0000|0003|" + HANDLE + "|0000000000000000|00000000",
                        Request.flush(H)),
                request("NBD_CMD_TRIM", REQUEST + "|0000|0004|" + HANDLE + "|0000000000100000|ffffffff",
                        Request.trim(H, 0x100000, 0xffffffffL)),
                request("NBD_CMD_CACHE", REQUEST + "|0000|0005|" + HANDLE + "|0000000000000200|00000200",
                        new Request(0, CommandType.CACHE.code(), H, 0x200, 0x200, null)),
                request("NBD_CMD_WRITE_ZEROES NO_HOLE|FAST_ZERO",
                        REQUEST + "|0012|0006|" + HANDLE + "|0000000000000000|00100000",
                        Request.writeZeroes(H, 0, 0x100000, CommandFlag.NO_HOLE, CommandFlag.FAST_ZERO)),
                request("NBD_CMD_BLOCK_STATUS REQ_ONE", REQUEST + "|0008|0007|" + HANDLE + "|0000000000000000|00001000",
                        new Request(CommandFlag.REQ_ONE.mask(), CommandType.BLOCK_STATUS.code(), H, 0, 0x1000, null)),
                request("unknown type and flags kept", REQUEST + "|8000|00ff|" + HANDLE + "|0000000000000001|00000002",
                        new Request(0x8000, 0xff, H, 1, 2, null)));
    }

    private static Vector simple(String name, String hex, Reply value) {
        return new Vector(name, hex(hex), value, Corpus::decodeReply, o -> NbdEncoder.encode((Reply) o));
    }

    static List<Vector> replies() {
        return List.of(
                simple("simple reply to a write", SIMPLE + "|00000000|0000000000000020", SimpleReply.ok(0x20)),
                simple("simple reply to a 4-byte read", SIMPLE + "|00000000|" + HANDLE + "|01020304",
                        SimpleReply.read(H, hex("01020304"))),
                simple("simple EIO reply to a read has no data", SIMPLE + "|00000005|0000000000000010",
                        SimpleReply.error(0x10, NbdError.EIO)),
                simple("simple reply with an undefined error value", SIMPLE + "|000003e7|0000000000000020",
                        new SimpleReply(0x20, 999, null)),
                simple("chunk NONE", STRUCTURED + "|0001|0000|" + HANDLE + "|00000000", new ReplyChunk.None(H)),
                simple("chunk OFFSET_DATA", STRUCTURED + "|0000|0001|" + HANDLE + "|0000000b|0000000000001000|616263",
                        new ReplyChunk.OffsetData(ReplyChunk.MORE, H, 0x1000, hex("616263"))),
                simple("chunk OFFSET_DATA DONE, unknown flag kept",
                        STRUCTURED + "|0101|0001|" + HANDLE + "|00000009|0000000000000000|ff",
                        new ReplyChunk.OffsetData(0x0101, H, 0, hex("ff"))),
                simple("chunk OFFSET_HOLE", STRUCTURED + "|0000|0002|" + HANDLE + "|0000000c|0000000000002000|00001000",
                        new ReplyChunk.OffsetHole(ReplyChunk.MORE, H, 0x2000, 0x1000)),
                simple("chunk ERROR", STRUCTURED + "|0001|8001|" + HANDLE + "|00000009|00000005|0003|626164",
                        new ReplyChunk.ErrorChunk(ReplyChunk.DONE, H, NbdError.EIO.code(), "bad")),
                simple("chunk ERROR_OFFSET", STRUCTURED + "|0000|8002|" + HANDLE + "|0000000e|0000001c|0000|0000000000003000",
                        new ReplyChunk.ErrorOffset(ReplyChunk.MORE, H, NbdError.ENOSPC.code(), "", 0x3000)),
                simple("chunk unknown error type kept", STRUCTURED + "|0001|8003|" + HANDLE + "|00000009|00000016|0001|78|cafe",
                        new ReplyChunk.UnknownError(ReplyChunk.DONE, H, 0x8003, NbdError.EINVAL.code(), "x", hex("cafe"))));
    }
}
