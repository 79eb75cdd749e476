package io.mpath4j.daemon.cli;

import io.mpath4j.fuse.FuseExport;
import io.mpath4j.fuse.FuseOptions;
import java.io.IOException;
import java.nio.file.Files;
import io.mpath4j.core.device.GroupView;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.Topology;
import io.mpath4j.daemon.lab.LabBench;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.lab.target.PortalFaults;
import io.mpath4j.scsi.alua.AluaState;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code mpath demo} (the default): a multipath device over two real iSCSI paths to the lab target
 * running in this process — two portals on loopback (127.0.0.1, 127.0.0.2) in two ALUA target
 * port groups — under a verifying workload, through an ALUA flip (the groups swap states) and a
 * portal killed (connections reset, new ones refused) and restored. No root, no installs: the
 * target, the initiator and the engine are all mpath4j, the paths real TCP connections speaking
 * iSCSI.
 */
final class LabDemo {

    private final int threads;
    private final PrintStream out;
    private final DemoSteps steps;

    LabDemo(long stepMillis, int threads, PrintStream out) {
        this.threads = threads;
        this.out = out;
        this.steps = new DemoSteps(out, stepMillis, "MPATH4J,LAB DISK");
    }

    int run() throws Exception {
        out.println("""
                mpath4j demo: two REAL iSCSI paths over loopback TCP to the mpath4j lab target, which runs
                inside this process with one 64 MiB memory disk, portals at 127.0.0.1 and 127.0.0.2 and two
                ALUA port groups (127.0.0.1 active/optimized, 127.0.0.2 active/non-optimized). mpath4j's
                initiator logs in through both portals and builds one multipath device (group_by_prio,
                alua prioritizer). Then the demo flips the ALUA states, kills a portal and restores it.
                (`mpath demo --nbd`: two NBD paths; `mpath demo --simulated`: simulated paths.)
                """);
        LabBench.Spec spec = new LabBench.Spec(LabBench.DEFAULT_IQN,
                List.of(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.2", 0)),
                64L << 20, 512, 1, 2, Duration.ZERO, null, null);
        try (LabBench lab = LabBench.start(spec)) {
            out.print(lab.describe());
            IscsiOptions options = IscsiOptions.defaults()
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5))
                    .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500))
                    // the lab target runs in this process and ends a reset session's tasks at once
                    // (ErrorRecoveryLevel 0): no write of the old session can land after 200 ms
                    .withFencingDelay(Duration.ofMillis(200))
                    .withFenceTimeout(Duration.ofSeconds(1));
            IscsiPaths.Result opened = IscsiPaths.connect(
                    List.of(IscsiUri.parse(lab.uri(0, 0)), IscsiUri.parse(lab.uri(1, 0))), options);
            opened.warnings().forEach(w -> out.println("warning: " + w));
            if (opened.paths().size() != 2) {
                opened.paths().forEach(IscsiPath::close);
                out.println("FAILED: could not log in through both portals; is 127.0.0.2 routed to loopback on this machine?");
                return 1;
            }
            FuseExport asFile = null;
            String a = lab.uri(0, 0);
            String b = lab.uri(1, 0);
            try (MultipathDevice device = DemoSteps.aluaDevice(opened.paths())) {
                device.addListener(e -> out.println("  event: " + e));
                steps.show(device, "Assembled one device from two iSCSI paths (group_by_prio, alua, service-time):");
                asFile = showAsFile(device);
                try (DemoWorkload load = DemoWorkload.start(device, threads, 8L << 20)) {
                    steps.pause();
                    out.printf("%nWorkload running: %d threads, writes and verified reads. %s%n", threads, load.progress());

                    steps.step("ALUA flip: the target moves port group 1 (127.0.0.1) to active/non-optimized and"
                            + " port group 2 (127.0.0.2) to active/optimized.");
                    lab.portGroups().setState(1, AluaState.ACTIVE_NON_OPTIMIZED);
                    lab.portGroups().setState(2, AluaState.ACTIVE_OPTIMIZED);
                    boolean flipped = waitFor(device, t -> activePath(t, b), 10_000);
                    steps.pause();
                    steps.show(device, (flipped ? "I/O moved to 127.0.0.2, now the optimized path. "
                            : "The engine has not moved I/O yet. ") + load.progress());

                    steps.step("Portal 127.0.0.2 is killed: its connections are reset and new ones refused.");
                    PortalFaults killed = lab.target().faults(1);
                    killed.reset(true);
                    waitFor(device, t -> activePath(t, a), 10_000);
                    steps.pause();
                    steps.show(device, "I/O continues on 127.0.0.1 (non-optimized, the only path left). " + load.progress());

                    steps.step("Portal 127.0.0.2 is restored; the path logs in again in the background.");
                    killed.acceptNew();
                    boolean back = waitFor(device, t -> usablePaths(t) == 2 && activePath(t, b), 15_000);
                    steps.pause();
                    steps.show(device, (back ? "Failed back to the optimized path 127.0.0.2. " : "Still waiting for 127.0.0.2. ")
                            + load.progress());

                    DemoWorkload.Result r = load.stopAndVerify();
                    out.printf("%nResult: %,d I/Os, %d I/O errors, %d data mismatches, longest completion gap %d ms,"
                                    + " %d redrives, %d failovers.%n", r.ios(), r.errors(), r.mismatches(),
                            r.longestGapMillis(), device.counters().redrives(), device.counters().failovers());
                    out.printf("Longest I/O stall: %d ms; %d errors, %d mismatches.%n", r.longestGapMillis(), r.errors(),
                            r.mismatches());
                    if (r.errors() != 0 || r.mismatches() != 0 || !flipped || !back) {
                        out.println("FAILED: the demo saw errors or a step did not complete; please report this.");
                        return 1;
                    }
                    out.println("Zero errors while at least one path worked: that is the promise of multipath.");
                    return 0;
                }
            } finally {
                if (asFile != null) {
                    asFile.close();
                    Files.deleteIfExists(asFile.mountPoint());
                }
                // the device closes its paths asynchronously; log them out before the target goes,
                // so that the end of the demo is not reported as a path failure
                opened.paths().forEach(IscsiPath::close);
            }
        }
    }

    /**
     * Shows the device as a file through FUSE when this machine allows a mount (root, or
     * fusermount3 installed); otherwise says why not and goes on: the demo needs neither.
     */
    private FuseExport showAsFile(MultipathDevice device) {
        java.nio.file.Path dir = null;
        try {
            dir = Files.createTempDirectory("mpath4j-demo-");
            FuseExport export = FuseExport.mount(dir, FuseOptions.DEFAULTS);
            export.add(device.name(), device);
            java.nio.file.Path file = export.file(device.name());
            out.printf("%nThe same device is also a file (FUSE): %s, %,d bytes; dd, fio or losetup use it directly.%n",
                    file, Files.size(file));
            return export;
        } catch (IOException | RuntimeException | LinkageError e) {
            out.println("\n(The FUSE file export is not available on this machine: " + e.getMessage() + ")");
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temporary directory left behind
                }
            }
            return null;
        }
    }

    /** True when the active group of {@code t} routes I/O to the path named {@code name}. */
    private static boolean activePath(Topology t, String name) {
        return t.groups().stream().filter(g -> g.status() == GroupView.Status.ACTIVE)
                .flatMap(g -> g.paths().stream()).anyMatch(p -> p.usable() && p.name().equals(name));
    }

    private static long usablePaths(Topology t) {
        return t.groups().stream().mapToLong(GroupView::usablePaths).sum();
    }

    private static boolean waitFor(MultipathDevice device, Predicate<Topology> done, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!done.test(device.topology())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
