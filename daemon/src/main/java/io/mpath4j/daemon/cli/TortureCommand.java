package io.mpath4j.daemon.cli;

import io.mpath4j.lab.proof.LabRig;
import io.mpath4j.lab.proof.TestbedScript;
import io.mpath4j.lab.proof.TgtRig;
import io.mpath4j.lab.proof.TortureReport;
import io.mpath4j.lab.proof.TortureRig;
import io.mpath4j.lab.proof.TortureRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mpath torture}: the proof under faults of issue 7 as a command. A multipath device over 2
 * or 4 iSCSI paths to the lab target or to a real tgtd, a random fault every 1–3 s, a verifying
 * Java workload and fio through the NBD export; one line per fault cycle, a final report, exit
 * status 0 only on PASS.
 *
 * <p>{@code --target tgt} as root runs in a netns test bed: this process creates the bed ({@code
 * testbed.sh create N shared}), starts itself again inside the bed's initiator namespace (the
 * device must reach the bed's addresses, which exist only there) with {@code --in-bed}, relays its
 * output and destroys the bed, which also ends whatever still runs inside.
 */
@Command(name = "torture", mixinStandardHelpOptions = true,
        description = {"Proof under faults: random path faults every 1-3 s under verifying I/O; prints one line per"
                + " fault cycle and a report; exit status 0 only if nothing was lost or corrupted.",
                "lab: the in-process lab target (resets, blackholes, ALUA flips, latency).",
                "tgt: a real tgtd; as root in a netns test bed (silent link cuts, connection closes, tc rate"
                        + " limits), otherwise behind fault proxies (blackholes, resets, latency). No ALUA flips."},
        footer = {"", "Examples:", "  mpath torture --duration 10m --paths 4", "  sudo mpath torture --target tgt --duration 2m"})
final class TortureCommand implements Callable<Integer> {

    enum Target { lab, tgt }

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "How long: 60s, 10m, 1h (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--paths", defaultValue = "2", description = "Paths to the target: 2 to 8 (default: ${DEFAULT-VALUE}).")
    int paths;

    @Option(names = "--target", defaultValue = "lab", description = "lab or tgt (default: ${DEFAULT-VALUE}).")
    Target target;

    @Option(names = "--seed", description = "Seed of the fault and workload choices (default: a new one, printed).")
    Long seed;

    @Option(names = "--no-fio", description = "Only the Java workload; no fio through the NBD export.")
    boolean noFio;

    @Option(names = "--no-bed", description = "tgt: fault proxies on loopback even as root (no netns test bed, no link cuts).")
    boolean noBed;

    @Option(names = "--in-bed", hidden = true, paramLabel = "PREFIX",
            description = "Internal: this process runs in test bed PREFIX's initiator namespace.")
    String inBed;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (paths < 2 || paths > 8) {
            throw new IllegalArgumentException("--paths " + paths + ": a torture needs 2 to 8 paths");
        }
        if (duration.toSeconds() < 10) {
            throw new IllegalArgumentException("--duration " + duration.toSeconds() + "s: at least 10s");
        }
        long s = seed != null ? seed : System.nanoTime();
        if (target == Target.tgt && inBed == null && !noBed && TestbedScript.isRoot()) {
            return inNewBed(s);
        }
        // the engine logs every path failure; the cycle lines say it shorter
        Logger.getLogger("io.mpath4j").setLevel(Level.SEVERE);
        TortureRig rig;
        try {
            rig = switch (target) {
                case lab -> new LabRig(paths, TortureRun.SIZE);
                case tgt -> inBed != null ? TgtRig.inBed(TestbedScript.of(inBed), paths, TortureRun.SIZE)
                        : TgtRig.throughProxies(paths, TortureRun.SIZE);
            };
        } catch (IllegalStateException | UncheckedIOException e) {
            // the target did not start (tgtd missing or not allowed to run): an operational error
            throw new IOException("cannot start the " + target + " target: " + e.getMessage()
                    + (target == Target.tgt && !TestbedScript.isRoot() ? " (tgtd needs root; or use --target lab)" : ""), e);
        }
        out.println("torture seed " + s + ": " + rig.describe() + ", " + duration.toSeconds() + " s, faults "
                + rig.faults());
        out.flush();
        TortureReport r;
        try (TortureRun run = new TortureRun(rig, s)) {
            r = run.run(duration, !noFio, line -> {
                out.println(line);
                out.flush();
            });
        }
        r.lines().forEach(out::println);
        out.flush();
        return r.passed() ? 0 : 1;
    }

    /** Creates a bed, runs this command again inside its initiator namespace, destroys the bed. */
    private int inNewBed(long s) throws Exception {
        TestbedScript bed = TestbedScript.of(TestbedScript.uniquePrefix("mpt"));
        Thread cleanup = new Thread(bed::destroy);
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            bed.run("create", Integer.toString(paths), "shared");
            out.println("test bed '" + bed.prefix() + "': " + paths + " links to one target namespace");
            out.flush();
            List<String> self = new ArrayList<>(List.of("run-init",
                    ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                    MpathCommand.class.getName(), "torture", "--duration", duration.toSeconds() + "s", "--paths",
                    Integer.toString(paths), "--target", "tgt", "--seed", Long.toString(s), "--in-bed", bed.prefix()));
            if (noFio) {
                self.add("--no-fio");
            }
            Process p = new ProcessBuilder(bed.command(self)).inheritIO().start();
            try {
                return p.waitFor();
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } finally {
            bed.destroy();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }
}
