package io.mpath4j.lab.target;

/**
 * Runs a lab target with one {@link MemoryDisk} in the foreground, for trying initiators by hand:
 * {@code java -cp ... io.mpath4j.lab.target.LabTargetMain 127.0.0.1 3260 [seconds [digests]]}. Stops
 * after the given time (default 600 s), so a forgotten one does not linger.
 */
public final class LabTargetMain {

    private LabTargetMain() {}

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 600;
        String digests = args.length > 3 ? args[3] : "CRC32C,None";
        try (LabTarget t = LabTarget.builder().portal(host, port, 1, 1, 1)
                .settings(TargetSettings.defaults().withDigests(digests))
                .target("iqn.2026-11.io.mpath4j:lab", new MemoryDisk(64L << 20, 512, "main1"), MemoryDisk.LUN).start()) {
            t.lunUris().forEach(System.out::println);
            Thread.sleep(seconds * 1000);
        }
    }
}
