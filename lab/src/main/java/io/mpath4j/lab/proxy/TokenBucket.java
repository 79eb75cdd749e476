package io.mpath4j.lab.proxy;

import java.util.function.LongSupplier;

/**
 * A token bucket in bytes for one direction of the proxy, shared by all its connections (a link's
 * bandwidth is shared too). The bucket holds at most a tenth of a second's worth of bytes (at least
 * 512, at most 1 MiB), so a limit is felt within 100 ms and bursts stay small.
 */
final class TokenBucket {

    private final LongSupplier nanoClock;
    private double tokens;
    private long last;
    private long rate;

    TokenBucket() {
        this(System::nanoTime);
    }

    TokenBucket(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.last = nanoClock.getAsLong();
    }

    /** The largest piece a writer may ask for at {@code bytesPerSecond}. */
    static int burst(long bytesPerSecond) {
        return (int) Math.clamp(bytesPerSecond / 10, 512L, 1L << 20);
    }

    /**
     * Takes {@code n} (at most {@link #burst}) tokens if there are enough and returns 0; otherwise
     * takes none and returns how many nanoseconds until there will be.
     */
    synchronized long take(int n, long bytesPerSecond) {
        long now = nanoClock.getAsLong();
        double cap = burst(bytesPerSecond);
        if (bytesPerSecond != rate) {
            rate = bytesPerSecond; // a new limit starts from a bucket no fuller than its new size
            tokens = Math.min(tokens, cap);
        }
        tokens = Math.min(cap, tokens + (now - last) * (bytesPerSecond / 1e9));
        last = now;
        if (tokens >= n) {
            tokens -= n;
            return 0;
        }
        return Math.max(1, (long) ((n - tokens) * 1e9 / bytesPerSecond));
    }
}
