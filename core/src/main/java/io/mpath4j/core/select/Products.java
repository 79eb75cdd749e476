package io.mpath4j.core.select;

/**
 * Exact comparison of products of non-negative longs. Selectors compare ratios such as
 * {@code load1 / throughput1 < load2 / throughput2} by cross-multiplying, as dm-service-time does,
 * because a division per candidate costs more than a multiplication; the 128-bit product keeps
 * this exact where bytes in flight times a large throughput value would overflow a long.
 */
final class Products {

    private Products() {
    }

    /** Compares {@code a * b} with {@code c * d}; all operands must be ≥ 0. */
    static int compare(long a, long b, long c, long d) {
        long high1 = Math.multiplyHigh(a, b);
        long high2 = Math.multiplyHigh(c, d);
        if (high1 != high2) {
            return Long.compare(high1, high2);
        }
        return Long.compareUnsigned(a * b, c * d);
    }
}
