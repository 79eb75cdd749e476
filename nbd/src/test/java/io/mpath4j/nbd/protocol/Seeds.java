package io.mpath4j.nbd.protocol;

/** Seeds for randomized tests: {@code -Dmpath4j.seed=N} replays a run; the seed is printed. */
final class Seeds {

    private Seeds() {}

    static long seed(String test) {
        String prop = System.getProperty("mpath4j.seed", "");
        long seed = prop.isBlank() ? System.nanoTime() : Long.parseLong(prop.trim());
        System.out.println(test + " seed " + seed + " (replay: -Dmpath4j.seed=" + seed + ")");
        return seed;
    }
}
