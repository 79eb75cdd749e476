package io.mpath4j.lab.proxy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The run-time controls of a {@link FaultProxy}, as one immutable value; every change replaces it
 * and applies at once to existing and new connections.
 *
 * @param latency        added one-way delay of each chunk in each direction
 * @param jitter         each chunk's delay is {@code latency ± jitter} (uniform), never below zero
 *                       and never reordering: a chunk is never released before the one read before it
 * @param bytesPerSecond bandwidth of each direction, shared by all connections (0 = unlimited)
 * @param blackhole      what blackholed directions do ({@link BlackholeMode#OFF} = forwarding)
 * @param blackholed     the directions the blackhole applies to (both by default)
 * @param refusing       new connections are refused (the listening socket is closed, so the peer's
 *                       connect fails with ECONNREFUSED as against a target that is down)
 */
public record ProxyControl(Duration latency, Duration jitter, long bytesPerSecond, BlackholeMode blackhole,
        Set<Direction> blackholed, boolean refusing) {

    /** No faults: a plain proxy. */
    public static final ProxyControl PASS_THROUGH =
            new ProxyControl(Duration.ZERO, Duration.ZERO, 0, BlackholeMode.OFF, EnumSet.allOf(Direction.class), false);

    public ProxyControl {
        if (latency.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("latency and jitter must not be negative: " + latency + ", " + jitter);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("rate must not be negative: " + bytesPerSecond);
        }
        if (blackholed.isEmpty()) {
            throw new IllegalArgumentException("a blackhole needs at least one direction");
        }
        blackholed = Set.copyOf(blackholed);
    }

    public ProxyControl withLatency(Duration latency, Duration jitter) {
        return new ProxyControl(latency, jitter, bytesPerSecond, blackhole, blackholed, refusing);
    }

    public ProxyControl withRate(long bytesPerSecond) {
        return new ProxyControl(latency, jitter, bytesPerSecond, blackhole, blackholed, refusing);
    }

    public ProxyControl withBlackhole(BlackholeMode mode, Set<Direction> directions) {
        return new ProxyControl(latency, jitter, bytesPerSecond, mode, directions, refusing);
    }

    public ProxyControl withRefusing(boolean refusing) {
        return new ProxyControl(latency, jitter, bytesPerSecond, blackhole, blackholed, refusing);
    }

    /** True if bytes travelling in {@code d} are not forwarded now. */
    public boolean blackholes(Direction d) {
        return blackhole != BlackholeMode.OFF && blackholed.contains(d);
    }

    /** For example {@code latency 50ms ±10ms, rate 10.0 MiB/s, blackhole hold (to-client, to-upstream), accepting}. */
    @Override
    public String toString() {
        String lat = latency.isZero() && jitter.isZero() ? "latency off" : "latency " + format(latency) + " ±" + format(jitter);
        String rate = bytesPerSecond == 0 ? "rate unlimited" : "rate " + formatRate(bytesPerSecond);
        String bh = blackhole == BlackholeMode.OFF ? "blackhole off"
                : "blackhole " + blackhole.label() + " ("
                        + blackholed.stream().sorted().map(Direction::label).collect(Collectors.joining(", ")) + ")";
        return lat + ", " + rate + ", " + bh + ", " + (refusing ? "refusing new connections" : "accepting");
    }

    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos / 1_000L + "us";
    }

    static String formatRate(long bps) {
        if (bps >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB/s", bps / (double) (1L << 30));
        }
        if (bps >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB/s", bps / (double) (1L << 20));
        }
        if (bps >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB/s", bps / (double) (1L << 10));
        }
        return bps + " B/s";
    }
}
