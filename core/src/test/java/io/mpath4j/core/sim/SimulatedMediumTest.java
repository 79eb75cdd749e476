package io.mpath4j.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimulatedMediumTest {

    @Test
    void rangeChecksFollowSizeAndBlockSize() {
        SimulatedMedium m = new SimulatedMedium(8 * 4096, 4096);
        assertThat(m.geometry().sizeBytes()).isEqualTo(8 * 4096);
        assertThat(m.isValidRange(0, 8 * 4096)).isTrue();
        assertThat(m.isValidRange(4096, 4096)).isTrue();
        assertThat(m.isValidRange(7 * 4096, 2 * 4096)).isFalse();
        assertThat(m.isValidRange(512, 4096)).isFalse();
        assertThat(m.isValidRange(0, 100)).isFalse();
        assertThat(new SimulatedMedium(100, 1).isValidRange(3, 7)).isTrue();
        assertThatThrownBy(() -> new SimulatedMedium(1000, 512)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.read(7 * 4096, ByteBuffer.allocate(2 * 4096)))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /**
     * Writers fill a range that spans several lock stripes with their own byte value while readers
     * read it whole: a reader must never see two writers' bytes (or a half-written range) in one
     * read. Readers run until the writers are done, so the threads overlap for the whole test.
     */
    @Test
    void concurrentRequestsAreAtomicAcrossStripes() throws Exception {
        int size = 4 << 16; // four stripes
        SimulatedMedium m = new SimulatedMedium(size, 512);
        int offset = 512 * 100; // starts inside the first stripe, ends inside the last
        int length = size - 2 * offset;
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger writersLeft = new AtomicInteger(2);
        AtomicLong reads = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                byte value = (byte) (t + 1);
                results.add(pool.submit(() -> {
                    byte[] fill = new byte[length];
                    Arrays.fill(fill, value);
                    start.await();
                    for (int i = 0; i < 10_000; i++) {
                        m.write(offset, fill);
                    }
                    writersLeft.decrementAndGet();
                    return 0;
                }));
                results.add(pool.submit(() -> {
                    int torn = 0;
                    byte[][] uniform = new byte[3][length]; // all 0, all 1, all 2
                    Arrays.fill(uniform[1], (byte) 1);
                    Arrays.fill(uniform[2], (byte) 2);
                    ByteBuffer into = ByteBuffer.allocate(length);
                    start.await();
                    while (writersLeft.get() > 0) {
                        m.read(offset, into);
                        reads.incrementAndGet();
                        if (Arrays.mismatch(into.array(), uniform[into.get(0)]) != -1) {
                            torn++;
                        }
                    }
                    return torn;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isZero();
            }
            assertThat(reads.get()).as("readers overlapped the writers").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
