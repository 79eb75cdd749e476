package io.mpath4j.lab.lu;

import static io.mpath4j.lab.lu.LuHarness.A;
import static io.mpath4j.lab.lu.LuHarness.B;
import static io.mpath4j.lab.lu.LuHarness.BS;
import static io.mpath4j.lab.lu.LuHarness.assertGood;
import static io.mpath4j.lab.lu.LuHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.ScsiStatus;
import io.mpath4j.scsi.cdb.Cdb;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * COMPARE AND WRITE is atomic with respect to other writes: several threads increment a counter
 * kept in two blocks with COMPARE AND WRITE (retrying on MISCOMPARE, as a cluster lock manager
 * does) while other threads WRITE the neighbouring blocks of the same memory chunk and READ the
 * counter. No increment may be lost and no reader may see a torn counter (every 8-byte word of
 * the two blocks holds the same value).
 */
class CompareAndWriteConcurrencyTest {

    static final int THREADS = 4;
    static final int INCREMENTS = 200;
    static final long COUNTER_LBA = 8;

    static byte[] counter(long v) {
        ByteBuffer b = ByteBuffer.allocate(2 * BS);
        while (b.hasRemaining()) {
            b.putLong(v);
        }
        return b.array();
    }

    static long decode(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        long v = bb.getLong();
        while (bb.hasRemaining()) {
            assertThat(bb.getLong()).as("torn counter").isEqualTo(v);
        }
        return v;
    }

    @Test
    void noIncrementIsLostAndNoReaderSeesATornCounter() throws Exception {
        LuHarness h = LuHarness.memoryLu().clearUa(A, B);
        assertGood(h.exec(A, new Cdb.Write10(COUNTER_LBA, 2, false), counter(0)));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 2);
        try {
            List<Future<Integer>> incrementers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Nexus n = t % 2 == 0 ? A : B;
                incrementers.add(pool.submit(() -> {
                    int miscompares = 0;
                    for (int done = 0; done < INCREMENTS; ) {
                        long v = decode(bytes(h.exec(n, new Cdb.Read10(COUNTER_LBA, 2, false), null)));
                        byte[] swap = ReadWriteTest.concat(counter(v), counter(v + 1));
                        TaskResult r = h.exec(n, RawCdb.compareAndWrite(COUNTER_LBA, 2), swap);
                        if (r.status() == ScsiStatus.GOOD) {
                            done++;
                        } else {
                            assertThat(r.sense().is(0x1D, 0x00)).as("sense %s", r.sense()).isTrue();
                            miscompares++;
                        }
                    }
                    return miscompares;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; !stop.get() && i < 1_000_000; i++) {
                    assertGood(h.exec(B, new Cdb.Write10(i % 2 == 0 ? 0 : COUNTER_LBA + 2, 8, false),
                            LuHarness.filled(8, i)));
                }
            });
            Future<?> reader = pool.submit(() -> {
                for (int i = 0; !stop.get() && i < 1_000_000; i++) {
                    decode(bytes(h.exec(A, new Cdb.Read10(COUNTER_LBA, 2, false), null)));
                }
            });
            int miscompares = 0;
            for (Future<Integer> f : incrementers) {
                miscompares += f.get(60, TimeUnit.SECONDS);
            }
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
            reader.get(60, TimeUnit.SECONDS);
            long v = decode(bytes(h.exec(A, new Cdb.Read10(COUNTER_LBA, 2, false), null)));
            assertThat(v).isEqualTo((long) THREADS * INCREMENTS);
            System.out.printf("%d increments, %d miscompares retried%n", THREADS * INCREMENTS, miscompares);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
