package io.mpath4j.core.group;

import java.util.List;

/** Maps multipath.conf {@code prio} and {@code prio_args} to a {@link Prioritizer}. */
public final class Prioritizers {

    /** The prioritizer names this engine implements, as multipath.conf spells them. */
    public static final List<String> NAMES = List.of("const", "alua", "ana", "weightedpath", "path_latency");

    private Prioritizers() {}

    /**
     * Returns the prioritizer {@code name} configured with {@code args} ({@code null} or blank: no
     * arguments).
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the valid ones), or
     *     arguments the prioritizer does not accept; prioritizers without arguments reject any,
     *     since a stray {@code prio_args} usually means the wrong {@code prio} was picked
     */
    public static Prioritizer parse(String name, String args) {
        String n = name == null ? "" : name.strip();
        String a = args == null ? "" : args.strip();
        return switch (n) {
            case "const" -> noArgs(n, a, ConstPrioritizer.INSTANCE);
            case "alua" -> AluaPrioritizer.parse(a);
            case "ana" -> noArgs(n, a, AnaPrioritizer.INSTANCE);
            case "weightedpath" -> WeightedPathPrioritizer.parse(a);
            case "path_latency" -> PathLatencyPrioritizer.parse(a);
            default -> throw new IllegalArgumentException(
                    "unknown prio '" + name + "'; valid: " + String.join(", ", NAMES));
        };
    }

    private static Prioritizer noArgs(String name, String args, Prioritizer p) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("prio " + name + " takes no prio_args, got '" + args + "'");
        }
        return p;
    }
}
