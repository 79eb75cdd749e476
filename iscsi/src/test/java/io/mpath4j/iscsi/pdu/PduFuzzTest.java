package io.mpath4j.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.iscsi.pdu.IscsiDecoder.Receiver;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stand-in for a Jazzer fuzzer: random and mutated bytes, fed to decoders of every setting,
 * must give a PDU, "need more", or {@link IscsiProtocolException}, never another exception. A PDU
 * must consume bytes within the input and survive an encode/decode round trip; "need more" and
 * the non-consuming errors must consume nothing. Seeded; the seed is printed.
 */
class PduFuzzTest {

    static final int RANDOM_INPUTS = 20_000;
    static final int MUTATIONS = 40_000;

    static final List<IscsiDecoder> DECODERS = List.of(
            new IscsiDecoder(Receiver.ANY, Digests.NONE, 8192),
            new IscsiDecoder(Receiver.INITIATOR, Digests.NONE, 64),
            new IscsiDecoder(Receiver.TARGET, Digests.NONE, 8192),
            new IscsiDecoder(Receiver.ANY, Digests.BOTH, 8192),
            new IscsiDecoder(Receiver.ANY, Digests.DATA_ONLY, 8192));

    enum Outcome { RESULT, NEED_MORE, ERROR }

    static Outcome check(IscsiDecoder d, byte[] input, long seed) {
        ByteBuffer in = ByteBuffer.wrap(input);
        try {
            Pdu p = d.decode(in);
            if (p == null) {
                assertThat(in.position()).as("need more consumes nothing, seed %d", seed).isZero();
                return Outcome.NEED_MORE;
            }
            assertThat(in.position()).isBetween(48, input.length);
            byte[] again = IscsiEncoder.encode(p, d.digests());
            assertThat(d.decode(ByteBuffer.wrap(again))).as("round trip, seed %d", seed).isEqualTo(p);
            return Outcome.RESULT;
        } catch (DataDigestException | UnsupportedPduException e) {
            assertThat(in.position()).isBetween(48, input.length);
            return Outcome.ERROR;
        } catch (IscsiProtocolException e) {
            assertThat(in.position()).as("a protocol error consumes nothing, seed %d", seed).isZero();
            return Outcome.ERROR;
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("seed " + seed + ", decoder " + d.receiver() + " " + d.digests() + ", input "
                    + Bytes.of(input).toHex(), e);
        }
    }

    @Test
    void randomBytesGiveOnlyPdusNeedMoreOrProtocolErrors() {
        long seed = Seeds.seed("PduFuzzTest.randomBytes");
        Random rnd = new Random(seed);
        for (int i = 0; i < RANDOM_INPUTS; i++) {
            byte[] input = new byte[rnd.nextInt(140)];
            rnd.nextBytes(input);
            if (input.length >= 8) {
                // keep lengths small and opcodes valid often, or almost everything is "need more"
                if (rnd.nextInt(4) > 0) {
                    input[4] = (byte) rnd.nextInt(3);
                    input[5] = 0;
                    input[6] = 0;
                    input[7] = (byte) rnd.nextInt(40);
                }
                if (rnd.nextBoolean()) {
                    Opcode[] ops = Opcode.values();
                    input[0] = (byte) ops[rnd.nextInt(ops.length)].code();
                }
            }
            for (IscsiDecoder d : DECODERS) {
                check(d, input, seed);
            }
        }
    }

    @Test
    void mutatedValidPdusGiveOnlyPdusNeedMoreOrProtocolErrors() {
        long seed = Seeds.seed("PduFuzzTest.mutations");
        Random rnd = new Random(seed);
        int results = 0;
        int errors = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            IscsiDecoder d = DECODERS.get(rnd.nextInt(DECODERS.size()));
            Pdu original = Vectors.ALL.get(rnd.nextInt(Vectors.ALL.size())).value();
            byte[] input = mutate(IscsiEncoder.encode(original, d.digests()), rnd);
            Outcome o = check(d, input, seed);
            results += o == Outcome.RESULT ? 1 : 0;
            errors += o == Outcome.ERROR ? 1 : 0;
        }
        assertThat(results).isGreaterThan(MUTATIONS / 20);
        assertThat(errors).isGreaterThan(MUTATIONS / 20);
    }

    static byte[] mutate(byte[] original, Random rnd) {
        byte[] b = original.clone();
        int n = 1 + rnd.nextInt(3);
        for (int m = 0; m < n; m++) {
            switch (rnd.nextInt(5)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> {
                    byte[] interesting = {0, 1, 2, 3, 4, 5, 7, 0x20, 0x40, (byte) 0x80, (byte) 0xc0, (byte) 0xff};
                    // header bytes are the interesting ones
                    b[rnd.nextInt(Math.min(b.length, 52))] = interesting[rnd.nextInt(interesting.length)];
                }
                case 2 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                case 3 -> b = java.util.Arrays.copyOf(b, b.length + 1 + rnd.nextInt(8));
                default -> {
                    if (b.length > 1) {
                        b[1] = (byte) rnd.nextInt(256);
                    }
                }
            }
            if (b.length == 0) {
                break;
            }
        }
        return b;
    }
}
