package io.mpath4j.lab.proxy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The text form of {@link ControlCommand}s: words, durations ({@code 50ms}) and rates ({@code 10MiB}). */
final class ControlLineParser {

    /** A number and a unit, for durations and rates; a rate may end in /s. */
    private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)(?:/s)?");

    private ControlLineParser() {
    }

    static ControlCommand parse(String line) {
        String[] w = line.strip().split("\\s+");
        if (w[0].isEmpty() || w[0].startsWith("#")) {
            return null;
        }
        String verb = w[0].toLowerCase(Locale.ROOT);
        return switch (verb) {
            case "latency", "delay" -> {
                args(w, 1, 2);
                if (w[1].equals("off")) {
                    args(w, 1, 1);
                    yield new ControlCommand.Latency(Duration.ZERO, Duration.ZERO);
                }
                yield new ControlCommand.Latency(duration(w[1]), w.length > 2 ? duration(w[2]) : Duration.ZERO);
            }
            case "rate" -> {
                args(w, 1, 1);
                yield new ControlCommand.Rate(w[1].equals("off") ? 0 : rate(w[1]));
            }
            case "blackhole" -> {
                args(w, 0, 2);
                BlackholeMode mode = BlackholeMode.HOLD;
                List<Direction> dirs = new ArrayList<>();
                for (int i = 1; i < w.length; i++) {
                    switch (w[i]) {
                        case "hold" -> mode = BlackholeMode.HOLD;
                        case "drop" -> mode = BlackholeMode.DROP;
                        default -> dirs.add(Direction.parse(w[i]));
                    }
                }
                yield new ControlCommand.Blackhole(mode, dirs);
            }
            case "restore" -> noArgs(w, new ControlCommand.Restore());
            case "reset" -> noArgs(w, new ControlCommand.Reset());
            case "half-open" -> noArgs(w, new ControlCommand.HalfOpen());
            case "refuse" -> noArgs(w, new ControlCommand.Refuse(true));
            case "accept" -> noArgs(w, new ControlCommand.Refuse(false));
            case "clear" -> noArgs(w, new ControlCommand.Clear());
            case "status" -> noArgs(w, new ControlCommand.Status());
            case "help" -> noArgs(w, new ControlCommand.Help());
            default -> throw new IllegalArgumentException("unknown command '" + w[0] + "' (try: help)");
        };
    }

    private static ControlCommand noArgs(String[] w, ControlCommand c) {
        args(w, 0, 0);
        return c;
    }

    private static void args(String[] w, int min, int max) {
        int n = w.length - 1;
        if (n < min || n > max) {
            throw new IllegalArgumentException("'" + w[0] + "' takes " + (min == max ? min : min + " to " + max)
                    + " argument" + (max == 1 ? "" : "s") + ", got " + n);
        }
    }

    /** {@code 50ms}, {@code 1.5s}, {@code 200us}, {@code 0}. */
    static Duration duration(String s) {
        Matcher m = QUANTITY.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad duration '" + s + "' (examples: 50ms, 1.5s, 200us)");
        }
        BigDecimal v = new BigDecimal(m.group(1));
        long nanosPerUnit = switch (m.group(2)) {
            case "s" -> 1_000_000_000L;
            case "ms" -> 1_000_000L;
            case "us" -> 1_000L;
            case "ns" -> 1L;
            case "" -> {
                if (v.signum() != 0) {
                    throw new IllegalArgumentException("duration '" + s + "' needs a unit (s, ms, us)");
                }
                yield 1L;
            }
            default -> throw new IllegalArgumentException("unknown unit in duration '" + s + "' (s, ms, us, ns)");
        };
        return Duration.ofNanos(v.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
    }

    /** Bytes per second: {@code 10MiB}, {@code 512KiB}, {@code 1GB}, {@code 1000}; a trailing {@code /s} is allowed. */
    static long rate(String s) {
        Matcher m = QUANTITY.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad rate '" + s + "' (examples: 10MiB, 512KiB, 1GB, 1000)");
        }
        long unit = switch (m.group(2)) {
            case "", "B" -> 1L;
            case "KiB", "K", "k" -> 1L << 10;
            case "MiB", "M" -> 1L << 20;
            case "GiB", "G" -> 1L << 30;
            case "kB", "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            default -> throw new IllegalArgumentException("unknown unit in rate '" + s + "' (B, KiB, MiB, GiB, kB, MB, GB)");
        };
        long v = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValue();
        if (v <= 0) {
            throw new IllegalArgumentException("rate '" + s + "' must be positive (use 'rate off' for no limit)");
        }
        return v;
    }
}
