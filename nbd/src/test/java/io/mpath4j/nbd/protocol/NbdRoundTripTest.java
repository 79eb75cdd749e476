package io.mpath4j.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random values of every message type: encode, then decode (whole, and split at a random point)
 * gives the value back. Seeded; the seed is printed.
 */
class NbdRoundTripTest {

    static final int VALUES = 3000;

    @Test
    void randomValuesSurviveEncodeAndDecode() throws Exception {
        long seed = Seeds.seed("NbdRoundTripTest");
        Random rnd = new Random(seed);
        for (int i = 0; i < VALUES; i++) {
            Vector v = randomMessage(rnd);
            ByteBuffer encoded = v.encoder().encode(v.value());
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            String where = v.value() + " (seed " + seed + ")";

            ByteBuffer whole = ByteBuffer.wrap(bytes);
            assertThat(v.decoder().decode(whole)).as(where).isEqualTo(v.value());
            assertThat(whole.hasRemaining()).as(where).isFalse();

            int k = rnd.nextInt(bytes.length);
            ByteBuffer acc = ByteBuffer.allocate(bytes.length).put(bytes, 0, k).flip();
            assertThat(v.decoder().decode(acc)).as(where).isNull();
            acc.compact().put(bytes, k, bytes.length - k).flip();
            assertThat(v.decoder().decode(acc)).as(where).isEqualTo(v.value());
        }
    }

    private static final String[] NAMES = {"", "disk", "export/with/slashes", "\u00e9t\u00e9", "\u65e5\u672c",
        "\ud83d\udcbe", "a b\tc"};

    static String name(Random rnd) {
        if (rnd.nextInt(10) == 0) {
            return "x".repeat(rnd.nextInt(4097)); // up to the spec's 4096 bytes
        }
        return NAMES[rnd.nextInt(NAMES.length)];
    }

    static byte[] bytes(Random rnd, int max) {
        byte[] b = new byte[rnd.nextInt(max + 1)];
        rnd.nextBytes(b);
        return b;
    }

    static int transmissionFlags(Random rnd) {
        return (rnd.nextInt(0x10000)) | TransmissionFlag.HAS_FLAGS.mask();
    }

    static Vector randomMessage(Random rnd) {
        var server = Corpus.SERVER;
        var client = Corpus.CLIENT;
        long handle = rnd.nextLong();
        int option = rnd.nextInt();
        return switch (rnd.nextInt(6)) {
            case 0 -> {
                ClientOption o = switch (rnd.nextInt(8)) {
                    case 0 -> new ClientOption.ExportName(name(rnd));
                    case 1 -> new ClientOption.Abort();
                    case 2 -> new ClientOption.ListExports();
                    case 3 -> new ClientOption.StartTls();
                    case 4 -> new ClientOption.StructuredReply();
                    case 5 -> new ClientOption.Info(name(rnd), infoRequests(rnd));
                    case 6 -> new ClientOption.Go(name(rnd), infoRequests(rnd));
                    default -> new ClientOption.Unknown(ClientOption.isDecoded(option) ? 0x7fff0000 : option, bytes(rnd, 40));
                };
                yield new Vector("option", null, o, server::decodeOption, x -> NbdEncoder.encode((ClientOption) x));
            }
            case 1 -> {
                OptionReply r = switch (rnd.nextInt(5)) {
                    case 0 -> new OptionReply.Ack(option);
                    case 1 -> new OptionReply.Server(option, name(rnd), rnd.nextBoolean() ? "" : name(rnd));
                    case 2 -> new OptionReply.Info(option, switch (rnd.nextInt(5)) {
                        case 0 -> new InfoItem.Export(rnd.nextLong(), transmissionFlags(rnd));
                        case 1 -> new InfoItem.Name(name(rnd));
                        case 2 -> new InfoItem.Description(name(rnd));
                        case 3 -> {
                            long min = 1L << rnd.nextInt(17);
                            long pref = Math.max(min, 512) << rnd.nextInt(8);
                            long max = rnd.nextBoolean() ? InfoItem.BlockSize.UNLIMITED : min * (1 + rnd.nextInt(1 << 10));
                            yield new InfoItem.BlockSize(min, pref, max);
                        }
                        default -> new InfoItem.Unknown(4 + rnd.nextInt(0xfffc), bytes(rnd, 20));
                    });
                    case 3 -> new OptionReply.ErrorReply(option, 0x80000000 | rnd.nextInt(), name(rnd));
                    default -> new OptionReply.Unknown(option, 4 + rnd.nextInt(0x7ffffff0), bytes(rnd, 40));
                };
                yield new Vector("option reply", null, r, client::decodeOptionReply, x -> NbdEncoder.encode((OptionReply) x));
            }
            case 2 -> {
                int type = rnd.nextInt(4) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(9);
                byte[] data = type == CommandType.WRITE.code() ? bytes(rnd, 5000) : null;
                long length = data != null ? data.length : rnd.nextLong() & 0xffffffffL;
                Request r = new Request(rnd.nextInt(0x10000), type, handle, rnd.nextLong(), length, data);
                yield new Vector("request", null, r, server::decodeRequest, x -> NbdEncoder.encode((Request) x));
            }
            case 3 -> {
                // a simple reply to a read of the data's length, or an error / non-read reply
                byte[] data = rnd.nextBoolean() ? bytes(rnd, 5000) : new byte[0];
                int error = data.length > 0 || rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(200);
                SimpleReply r = new SimpleReply(handle, error, data);
                // an error reply to a read carries no data, whatever the read length
                long readLength = error == 0 ? data.length : rnd.nextInt(100);
                ExpectedReadLength inFlight = h -> h == handle ? readLength : ExpectedReadLength.UNKNOWN_HANDLE;
                yield new Vector("simple reply", null, r, in -> client.decodeReply(in, inFlight),
                        x -> NbdEncoder.encode((Reply) x));
            }
            case 4 -> {
                int flags = rnd.nextInt(0x10000);
                ReplyChunk c = switch (rnd.nextInt(6)) {
                    case 0 -> new ReplyChunk.None(flags | ReplyChunk.DONE, handle);
                    case 1 -> {
                        byte[] data = bytes(rnd, 5000);
                        yield new ReplyChunk.OffsetData(flags, handle, rnd.nextLong(), data.length == 0 ? new byte[] {7} : data);
                    }
                    case 2 -> new ReplyChunk.OffsetHole(flags, handle, rnd.nextLong(), 1 + (rnd.nextLong() & 0xfffffffeL));
                    case 3 -> new ReplyChunk.ErrorChunk(flags, handle, nonzero(rnd), name(rnd));
                    case 4 -> new ReplyChunk.ErrorOffset(flags, handle, nonzero(rnd), name(rnd), rnd.nextLong());
                    default -> new ReplyChunk.UnknownError(flags, handle, 0x8003 + rnd.nextInt(0x7ffc), nonzero(rnd),
                            name(rnd), bytes(rnd, 30));
                };
                yield new Vector("chunk", null, c, in -> client.decodeReply(in, h -> 0), x -> NbdEncoder.encode((Reply) x));
            }
            default -> {
                boolean noZeroes = rnd.nextBoolean();
                ExportNameReply r = new ExportNameReply(rnd.nextLong(), transmissionFlags(rnd));
                yield new Vector("export name reply", null, r, in -> client.decodeExportNameReply(in, noZeroes),
                        x -> NbdEncoder.encode((ExportNameReply) x, noZeroes));
            }
        };
    }

    static int nonzero(Random rnd) {
        int e = rnd.nextInt();
        return e == 0 ? NbdError.EIO.code() : e;
    }

    static List<Integer> infoRequests(Random rnd) {
        List<Integer> r = new ArrayList<>();
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            int t = rnd.nextInt(3) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(4);
            if (!r.contains(t)) {
                r.add(t);
            }
        }
        return r;
    }

    @Test
    void valuesRejectWhatTheSpecForbids() {
        // strings: no NUL, at most 4096 UTF-8 bytes, encodable
        assertThatThrownBy(() -> new ClientOption.ExportName("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientOption.ExportName("\u00e9".repeat(2049))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientOption.ExportName("\ud800")).isInstanceOf(IllegalArgumentException.class);
        new ClientOption.ExportName("x".repeat(4096));
        // GO: no repeated information request
        assertThatThrownBy(() -> new ClientOption.Go("", InfoType.NAME, InfoType.NAME)).isInstanceOf(IllegalArgumentException.class);
        // NBD_FLAG_HAS_FLAGS MUST always be 1
        assertThatThrownBy(() -> new ExportNameReply(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InfoItem.Export(1, 2)).isInstanceOf(IllegalArgumentException.class);
        // NONE MUST have DONE; error chunks MUST have a nonzero error; holes MUST be nonzero
        assertThatThrownBy(() -> new ReplyChunk.None(ReplyChunk.MORE, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplyChunk.ErrorChunk(ReplyChunk.DONE, 1, 0, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplyChunk.OffsetHole(ReplyChunk.DONE, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        // only writes carry data, of exactly their length; error replies carry none
        assertThatThrownBy(() -> new Request(0, CommandType.READ.code(), 1, 0, 1, new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Request(0, CommandType.WRITE.code(), 1, 0, 2, new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimpleReply(1, 5, new byte[1])).isInstanceOf(IllegalArgumentException.class);
        // unknown-type records do not shadow the decoded types
        assertThatThrownBy(() -> new ClientOption.Unknown(7, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OptionReply.Unknown(7, 1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OptionReply.ErrorReply(7, 1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplyChunk.UnknownError(0, 1, 0x8001, 5, "", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        // limits: at most the spec's 4096-byte strings
        assertThatThrownBy(() -> new NbdLimits(1, 4097, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void flagAndCodeHelpers() {
        assertThat(TransmissionFlag.SEND_FAST_ZERO.mask()).isEqualTo(1 << 11);
        assertThat(TransmissionFlag.setOf(0x0d)).containsExactlyInAnyOrder(TransmissionFlag.HAS_FLAGS,
                TransmissionFlag.SEND_FLUSH, TransmissionFlag.SEND_FUA);
        assertThat(CommandFlag.maskOf(CommandFlag.FUA, CommandFlag.FAST_ZERO)).isEqualTo(0x11);
        assertThat(CommandFlag.unknownBits(0x8021)).isEqualTo(0x8020);
        assertThat(NbdError.of(95)).contains(NbdError.ENOTSUP);
        assertThat(NbdError.orEinval(4)).isEqualTo(NbdError.EINVAL);
        assertThat(OptionReplyType.ERR_TOO_BIG.code()).isEqualTo(0x80000009);
        assertThat(OptionReplyType.ERR_TOO_BIG.isError()).isTrue();
        assertThat(ReplyType.ERROR_OFFSET.code()).isEqualTo(0x8002);
        assertThat(Request.read(1, 0, 512).command()).contains(CommandType.READ);
        assertThat(new Request(0, 99, 1, 0, 0, null).command()).isEmpty();
    }
}
