package io.mpath4j.core.select;

import java.util.Arrays;
import java.util.List;

/**
 * Builds a selector from a multipath.conf {@code path_selector} value. The syntax is the kernel
 * table's: a name, then optionally the number of selector arguments and the arguments, e.g.
 * {@code "round-robin 0"} or {@code "historical-service-time 2 972 0"}. Names are
 * case-sensitive, as in multipath-tools (the kernel looks them up by exact name).
 */
public final class PathSelectors {

    /** The names {@link #parse} accepts, in the order error messages list them. */
    public static final List<String> NAMES =
            List.of("round-robin", "queue-length", "service-time", "historical-service-time", "latency");

    private PathSelectors() {
    }

    /**
     * @param spec the {@code path_selector} value
     * @param rrMinIoRq multipath.conf {@code rr_min_io_rq}, used by round-robin
     * @param rrWeightPriorities multipath.conf {@code rr_weight priorities} (versus {@code uniform})
     * @throws IllegalArgumentException for an unknown name or malformed arguments
     */
    public static PathSelector parse(String spec, int rrMinIoRq, boolean rrWeightPriorities) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty path_selector; valid names: " + String.join(", ", NAMES));
        }
        String[] tokens = spec.strip().split("\\s+");
        String name = tokens[0];
        String[] args = arguments(spec, tokens);
        return switch (name) {
            case "round-robin" -> {
                noArguments(spec, args);
                yield new RoundRobinSelector(rrMinIoRq, rrWeightPriorities);
            }
            case "queue-length" -> {
                noArguments(spec, args);
                yield new QueueLengthSelector();
            }
            case "service-time" -> {
                noArguments(spec, args);
                yield new ServiceTimeSelector();
            }
            case "historical-service-time" -> {
                // dm-historical-service-time: [<base_weight> [<threshold_multiplier>]], validated as
                // the kernel does so a table that loads there loads here; not used (see the class).
                if (args.length > 2) {
                    throw invalid(spec, "historical-service-time takes at most 2 arguments");
                }
                if (args.length > 0 && unsigned(spec, args[0]) >= 1024) {
                    throw invalid(spec, "base_weight must be below 1024");
                }
                if (args.length > 1) {
                    unsigned(spec, args[1]);
                }
                yield new HistoricalServiceTimeSelector();
            }
            case "latency" -> {
                // Our own selector: [<error_penalty>].
                if (args.length > 1) {
                    throw invalid(spec, "latency takes at most 1 argument (error penalty)");
                }
                int penalty = args.length == 1 ? unsigned(spec, args[0]) : LatencyErrorSelector.DEFAULT_ERROR_PENALTY;
                yield new LatencyErrorSelector(LatencyErrorSelector.DEFAULT_STALE_PROBE_NANOS, penalty);
            }
            default -> throw new IllegalArgumentException(
                    "unknown path_selector \"" + name + "\"; valid names: " + String.join(", ", NAMES));
        };
    }

    /** The arguments after the count; the count is optional, and must match when present. */
    private static String[] arguments(String spec, String[] tokens) {
        if (tokens.length == 1) {
            return new String[0];
        }
        int count = unsigned(spec, tokens[1]);
        String[] args = Arrays.copyOfRange(tokens, 2, tokens.length);
        if (args.length != count) {
            throw invalid(spec, "argument count " + count + " but " + args.length + " arguments");
        }
        return args;
    }

    private static void noArguments(String spec, String[] args) {
        if (args.length != 0) {
            throw invalid(spec, "this selector takes no arguments");
        }
    }

    private static int unsigned(String spec, String token) {
        try {
            int value = Integer.parseInt(token);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(spec, "\"" + token + "\" is not a non-negative integer");
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("invalid path_selector \"" + spec + "\": " + why);
    }
}
