package io.mpath4j.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message of {@link Corpus}: hand-written bytes decode to the value and the value encodes to
 * the same bytes; a message split at any byte boundary, or streamed in random chunks, decodes the
 * same.
 */
class NbdVectorTest {

    static Stream<Vector> vectors() {
        return Corpus.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesTheHandWrittenBytes(Vector v) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(v.bytes());
        assertThat(v.decoder().decode(in)).isEqualTo(v.value());
        assertThat(in.position()).as("consumes exactly the message").isEqualTo(v.bytes().length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesToTheHandWrittenBytes(Vector v) {
        ByteBuffer out = v.encoder().encode(v.value());
        byte[] b = new byte[out.remaining()];
        out.get(b);
        assertThat(HexFormat.of().formatHex(b)).isEqualTo(HexFormat.of().formatHex(v.bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesAtAnOffsetWhateverTheBufferByteOrder(Vector v) throws Exception {
        byte[] framed = new byte[v.bytes().length + 7];
        System.arraycopy(v.bytes(), 0, framed, 3, v.bytes().length);
        ByteBuffer in = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN).position(3).limit(3 + v.bytes().length + 2);
        assertThat(v.decoder().decode(in)).isEqualTo(v.value());
        assertThat(in.position()).isEqualTo(3 + v.bytes().length);
        assertThat(in.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void needsMoreAtEveryShorterLengthAndConsumesNothing(Vector v) throws Exception {
        for (int k = 0; k < v.bytes().length; k++) {
            ByteBuffer in = ByteBuffer.wrap(v.bytes(), 0, k);
            assertThat(v.decoder().decode(in)).as("first %d bytes", k).isNull();
            assertThat(in.position()).as("first %d bytes", k).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void splitAtEveryBoundaryDecodesTheSame(Vector v) throws Exception {
        // a receive buffer that gets the first k bytes, then the rest, as a socket read would
        for (int k = 0; k <= v.bytes().length; k++) {
            ByteBuffer acc = ByteBuffer.allocate(v.bytes().length);
            acc.put(v.bytes(), 0, k).flip();
            Object first = v.decoder().decode(acc);
            if (k < v.bytes().length) {
                assertThat(first).isNull();
                acc.compact().put(v.bytes(), k, v.bytes().length - k).flip();
                first = v.decoder().decode(acc);
            }
            assertThat(first).as("split at %d", k).isEqualTo(v.value());
            assertThat(acc.hasRemaining()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesIntoAnExistingBufferAtItsPositionWhateverItsByteOrder(Vector v) {
        ByteBuffer out = ByteBuffer.allocate(v.bytes().length + 10).order(ByteOrder.LITTLE_ENDIAN).position(5);
        int length = switch (v.value()) {
            case ServerGreeting g -> { NbdEncoder.encode(g, out); yield NbdEncoder.encodedLength(g); }
            case ClientFlags f -> { NbdEncoder.encode(f, out); yield NbdEncoder.encodedLength(f); }
            case ClientOption o -> { NbdEncoder.encode(o, out); yield NbdEncoder.encodedLength(o); }
            case OptionReply r -> { NbdEncoder.encode(r, out); yield NbdEncoder.encodedLength(r); }
            case ExportNameReply e -> {
                boolean noZeroes = v.bytes().length == ExportNameReply.LENGTH;
                NbdEncoder.encode(e, noZeroes, out);
                yield NbdEncoder.encodedLength(e, noZeroes);
            }
            case Request r -> { NbdEncoder.encode(r, out); yield NbdEncoder.encodedLength(r); }
            case Reply r -> { NbdEncoder.encode(r, out); yield NbdEncoder.encodedLength(r); }
            default -> throw new AssertionError(v.value());
        };
        assertThat(length).isEqualTo(v.bytes().length);
        assertThat(out.position()).isEqualTo(5 + v.bytes().length);
        assertThat(out.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        byte[] written = java.util.Arrays.copyOfRange(out.array(), 5, 5 + v.bytes().length);
        assertThat(HexFormat.of().formatHex(written)).isEqualTo(HexFormat.of().formatHex(v.bytes()));
    }

    /** The whole corpus back to back, delivered in random chunks, decoded with each message's decoder in turn. */
    @Test
    void randomChunksOfTheWholeCorpusDecodeTheSame() throws Exception {
        long seed = Seeds.seed("NbdVectorTest.randomChunks");
        Random rnd = new Random(seed);
        List<Vector> all = Corpus.all();
        int total = all.stream().mapToInt(v -> v.bytes().length).sum();
        byte[] stream = new byte[total];
        int at = 0;
        for (Vector v : all) {
            System.arraycopy(v.bytes(), 0, stream, at, v.bytes().length);
            at += v.bytes().length;
        }
        for (int round = 0; round < 200; round++) {
            int maxChunk = 1 + rnd.nextInt(round % 2 == 0 ? 8 : 300);
            ByteBuffer acc = ByteBuffer.allocate(total);
            acc.flip();
            List<Object> got = new ArrayList<>();
            int fed = 0;
            int next = 0;
            while (next < all.size()) {
                if (fed < total) {
                    int n = Math.min(total - fed, 1 + rnd.nextInt(maxChunk));
                    acc.compact().put(stream, fed, n).flip();
                    fed += n;
                }
                Object m;
                while (next < all.size() && (m = all.get(next).decoder().decode(acc)) != null) {
                    got.add(m);
                    next++;
                }
                if (fed == total && next < all.size()) {
                    throw new AssertionError("stuck before " + all.get(next) + " (seed " + seed + ")");
                }
            }
            assertThat(got).as("round %d, seed %d", round, seed).isEqualTo(all.stream().map(Vector::value).toList());
            assertThat(acc.hasRemaining()).isFalse();
        }
    }
}
