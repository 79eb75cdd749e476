package io.mpath4j.lab.proxy;

/** One direction of a proxied connection. */
public enum Direction {
    /** Bytes the initiator sends, on their way to the target. */
    TO_UPSTREAM("to-upstream"),
    /** Bytes the target sends, on their way back to the initiator. */
    TO_CLIENT("to-client");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    /** The name used in control lines and in {@link ProxyControl#toString()}. */
    public String label() {
        return label;
    }

    /** Parses {@code to-upstream} / {@code to-client} (also {@code upstream} / {@code client}). */
    public static Direction parse(String s) {
        return switch (s) {
            case "to-upstream", "upstream" -> TO_UPSTREAM;
            case "to-client", "client" -> TO_CLIENT;
            default -> throw new IllegalArgumentException("unknown direction '" + s + "' (to-upstream, to-client)");
        };
    }
}
