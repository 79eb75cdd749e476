package io.mpath4j.iscsi.pdu;

/** Seeds for randomized tests: {@code -Dmpath4j.seed=N} replays a run; the seed is printed. */
public final class Seeds {

    private Seeds() {}

    public static long seed(String test) {
        String prop = System.getProperty("mpath4j.seed", "");
        long seed = prop.isBlank() ? System.nanoTime() : Long.parseLong(prop.trim());
        System.out.println(test + " seed " + seed + " (replay: -Dmpath4j.seed=" + seed + ")");
        return seed;
    }
}
