package io.mpath4j.lab.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TokenBucket bucket = new TokenBucket(now::get);

    private void advanceMillis(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void theBucketHoldsATenthOfASecondWithinBounds() {
        assertThat(TokenBucket.burst(1_000)).isEqualTo(512);
        assertThat(TokenBucket.burst(10L << 20)).isEqualTo((10 << 20) / 10);
        assertThat(TokenBucket.burst(100L << 30)).isEqualTo(1 << 20);
    }

    @Test
    void bytesAreReleasedAtTheRate() {
        long rate = 100_000; // bucket 10,000 bytes
        assertThat(bucket.take(10_000, rate)).as("empty at the start: wait 100 ms").isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        advanceMillis(50);
        assertThat(bucket.take(10_000, rate)).as("half full: 50 ms more").isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        advanceMillis(50);
        assertThat(bucket.take(10_000, rate)).isZero();
        assertThat(bucket.take(1, rate)).as("taken: empty again").isPositive();
        advanceMillis(10_000);
        assertThat(bucket.take(10_000, rate)).as("an idle link saves no more than one bucket").isZero();
        assertThat(bucket.take(1_000, rate)).isPositive();
    }

    @Test
    void aLowerRateStartsFromABucketNoFullerThanItsNewSize() {
        advanceMillis(1_000);
        assertThat(bucket.take(100_000, 1_000_000)).isZero(); // 1 MB/s: bucket 100,000, full after 1 s
        advanceMillis(1_000);
        assertThat(bucket.take(512, 1_000)).as("at 1000 B/s the bucket is 512 bytes, kept full").isZero();
        assertThat(bucket.take(512, 1_000)).as("and now empty: 512 ms").isEqualTo(TimeUnit.MILLISECONDS.toNanos(512));
    }
}
