package io.mpath4j.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stand-in for the Jazzer fuzzers: random and mutated byte arrays, fed to every decoder entry
 * point, must give a clean result, "need more", or {@link NbdProtocolException}, never another
 * exception; a result must consume bytes within the input and survive an encode/decode round
 * trip, and "need more" must consume nothing. Seeded; the seed is printed.
 */
class NbdFuzzTest {

    static final int RANDOM_INPUTS = 20_000;
    static final int MUTATIONS = 40_000;

    record Target(String name, Vector.Decoder decoder, Vector.Encoder encoder) {}

    static List<Target> targets() {
        List<Target> t = new ArrayList<>();
        for (NbdLimits limits : List.of(NbdLimits.DEFAULT, new NbdLimits(40, 5, 8))) {
            var server = new NbdServerDecoder(limits);
            var client = new NbdClientDecoder(limits);
            String l = limits == NbdLimits.DEFAULT ? "" : " (small limits)";
            // a lookup that exercises unknown handles, non-reads and reads of several lengths
            ExpectedReadLength inFlight = h -> (h & 7) == 7 ? ExpectedReadLength.UNKNOWN_HANDLE : (h & 7) == 0 ? 0 : (h >>> 3) & 31;
            t.add(new Target("greeting" + l, client::decodeGreeting, o -> NbdEncoder.encode((ServerGreeting) o)));
            for (int adv = 0; adv < 4; adv++) {
                int a = adv;
                t.add(new Target("client flags adv " + a + l, in -> server.decodeClientFlags(in, a),
                        o -> NbdEncoder.encode((ClientFlags) o)));
            }
            t.add(new Target("option" + l, server::decodeOption, o -> NbdEncoder.encode((ClientOption) o)));
            t.add(new Target("option reply" + l, client::decodeOptionReply, o -> NbdEncoder.encode((OptionReply) o)));
            t.add(new Target("export name reply" + l, in -> client.decodeExportNameReply(in, false),
                    o -> NbdEncoder.encode((ExportNameReply) o, false)));
            t.add(new Target("export name reply no zeroes" + l, in -> client.decodeExportNameReply(in, true),
                    o -> NbdEncoder.encode((ExportNameReply) o, true)));
            t.add(new Target("request" + l, server::decodeRequest, o -> NbdEncoder.encode((Request) o)));
            t.add(new Target("reply" + l, in -> client.decodeReply(in, inFlight), o -> NbdEncoder.encode((Reply) o)));
            t.add(new Target("simple reply header" + l, client::decodeSimpleReplyHeader, o -> NbdEncoder.encode((Reply) o)));
        }
        return t;
    }

    /** Magic prefixes, so that random input gets past the first check often. */
    static final byte[][] PREFIXES = {
        Vector.hex(Corpus.NBDMAGIC + Corpus.IHAVEOPT), Vector.hex(Corpus.IHAVEOPT), Vector.hex(Corpus.REPLY_MAGIC),
        Vector.hex(Corpus.REQUEST), Vector.hex(Corpus.SIMPLE), Vector.hex(Corpus.STRUCTURED), new byte[0],
    };

    @Test
    void randomBytesGiveOnlyResultsNeedMoreOrNbdProtocolException() {
        long seed = Seeds.seed("NbdFuzzTest.randomBytes");
        Random rnd = new Random(seed);
        List<Target> targets = targets();
        for (int i = 0; i < RANDOM_INPUTS; i++) {
            byte[] prefix = PREFIXES[rnd.nextInt(PREFIXES.length)];
            byte[] input = new byte[prefix.length + rnd.nextInt(64)];
            rnd.nextBytes(input);
            System.arraycopy(prefix, 0, input, 0, prefix.length);
            // small lengths are far more interesting than 4-byte random ones: zero some high bytes
            if (rnd.nextBoolean()) {
                for (int k = prefix.length; k < input.length; k++) {
                    if (rnd.nextInt(3) == 0) {
                        input[k] = 0;
                    }
                }
            }
            for (Target t : targets) {
                check(t, input, seed);
            }
        }
    }

    @Test
    void mutatedValidMessagesGiveOnlyResultsNeedMoreOrNbdProtocolException() {
        long seed = Seeds.seed("NbdFuzzTest.mutations");
        Random rnd = new Random(seed);
        List<Vector> corpus = Corpus.all();
        List<Target> targets = targets();
        int results = 0;
        int errors = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            Vector v = corpus.get(rnd.nextInt(corpus.size()));
            byte[] input = mutate(v.bytes(), rnd);
            // the vector's own decoder, and one other target with the same bytes
            Outcome o = check(new Target(v.name(), v.decoder(), v.encoder()), input, seed);
            results += o == Outcome.RESULT ? 1 : 0;
            errors += o == Outcome.ERROR ? 1 : 0;
            check(targets.get(rnd.nextInt(targets.size())), input, seed);
        }
        // the mutations must reach both outcomes, or this test proves little
        assertThat(results).isGreaterThan(MUTATIONS / 20);
        assertThat(errors).isGreaterThan(MUTATIONS / 20);
    }

    static byte[] mutate(byte[] original, Random rnd) {
        byte[] b = original.clone();
        int n = 1 + rnd.nextInt(3);
        for (int m = 0; m < n; m++) {
            switch (rnd.nextInt(6)) {
                case 0 -> { // flip a bit
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> { // set a byte to an interesting value
                    if (b.length > 0) {
                        byte[] interesting = {0, 1, 2, 3, 5, 6, 8, 12, 14, (byte) 0x7f, (byte) 0x80, (byte) 0xff};
                        b[rnd.nextInt(b.length)] = interesting[rnd.nextInt(interesting.length)];
                    }
                }
                case 2 -> { // truncate
                    b = java.util.Arrays.copyOf(b, b.length == 0 ? 0 : rnd.nextInt(b.length));
                }
                case 3 -> { // append random bytes
                    byte[] tail = new byte[1 + rnd.nextInt(16)];
                    rnd.nextBytes(tail);
                    byte[] c = java.util.Arrays.copyOf(b, b.length + tail.length);
                    System.arraycopy(tail, 0, c, b.length, tail.length);
                    b = c;
                }
                case 4 -> { // remove a byte from the middle (shifts every later field)
                    if (b.length > 1) {
                        int at = rnd.nextInt(b.length);
                        byte[] c = new byte[b.length - 1];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                        b = c;
                    }
                }
                default -> { // tweak a 32-bit big-endian field by a small delta (lengths!)
                    if (b.length >= 4) {
                        int at = rnd.nextInt(b.length - 3);
                        ByteBuffer.wrap(b).putInt(at, ByteBuffer.wrap(b).getInt(at) + rnd.nextInt(9) - 4);
                    }
                }
            }
        }
        return b;
    }

    enum Outcome { RESULT, NEED_MORE, ERROR }

    static Outcome check(Target t, byte[] input, long seed) {
        ByteBuffer in = ByteBuffer.wrap(input);
        Object value;
        try {
            value = t.decoder().decode(in);
        } catch (NbdProtocolException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw fail("NbdProtocolException without a message", t, input, seed, e);
            }
            return Outcome.ERROR;
        } catch (Throwable e) {
            throw fail("decoder threw " + e, t, input, seed, e);
        }
        if (value == null) {
            if (in.position() != 0) {
                throw fail("need-more consumed " + in.position() + " bytes", t, input, seed, null);
            }
            return Outcome.NEED_MORE;
        }
        if (in.position() <= 0 || in.position() > input.length) {
            throw fail("result " + value + " consumed " + in.position() + " bytes", t, input, seed, null);
        }
        // the decoded value re-encodes to bytes that decode to the same value
        ByteBuffer again = t.encoder().encode(value);
        int length = again.remaining();
        Object back;
        try {
            back = t.decoder().decode(again);
        } catch (NbdProtocolException e) {
            throw fail("re-encoded " + value + " does not decode: " + e.getMessage(), t, input, seed, e);
        }
        if (!value.equals(back) || again.position() != length) {
            throw fail("re-encoded " + value + " decodes to " + back, t, input, seed, null);
        }
        return Outcome.RESULT;
    }

    static AssertionError fail(String what, Target t, byte[] input, long seed, Throwable cause) {
        return new AssertionError(what + ": " + t.name() + " on " + HexFormat.of().formatHex(input)
                + " (replay: -Dmpath4j.seed=" + seed + ")", cause);
    }
}
