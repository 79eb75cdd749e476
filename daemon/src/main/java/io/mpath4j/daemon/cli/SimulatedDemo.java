package io.mpath4j.daemon.cli;

import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.SystemTimeSource;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code mpath demo --simulated}: one multipath device over four simulated paths in two ALUA port
 * groups, under a verifying workload, through a path failure, an ALUA failover and a failback.
 * NBD has no ALUA, so this is where the demo shows port groups.
 */
final class SimulatedDemo {

    private static final String WWID = "36001405d3m0000000000000000000001";

    private final int threads;
    private final PrintStream out;
    private final DemoSteps steps;

    SimulatedDemo(long stepMillis, int threads, PrintStream out) {
        this.threads = threads;
        this.out = out;
        this.steps = new DemoSteps(out, stepMillis, "MPATH4J,SIMULATED");
    }

    int run() throws Exception {
        out.println("""
                mpath4j demo: SIMULATED paths. No network and no target are involved: the four paths
                below are in-process simulations of two ALUA port groups. Real transports (NBD, iSCSI)
                replace them in later releases; the multipath engine you see here is the real one.
                """);
        SystemTimeSource time = SystemTimeSource.instance();
        SimulatedMedium medium = new SimulatedMedium(64L << 20, 512);
        List<SimulatedPath> paths = List.of(
                path("sim:portal-a1", 1, AccessState.OPTIMIZED, medium, time, 150),
                path("sim:portal-a2", 1, AccessState.OPTIMIZED, medium, time, 150),
                path("sim:portal-b1", 2, AccessState.NON_OPTIMIZED, medium, time, 400),
                path("sim:portal-b2", 2, AccessState.NON_OPTIMIZED, medium, time, 400));
        try (MultipathDevice device = DemoSteps.aluaDevice(paths)) {
            device.addListener(e -> out.println("  event: " + e));
            steps.show(device, "Assembled one device from four paths (group_by_prio, alua, service-time):");
            try (DemoWorkload load = DemoWorkload.start(device, threads, 4L << 20)) {
                steps.pause();
                out.printf("%nWorkload running: %d threads, writes and verified reads. %s%n", threads, load.progress());

                steps.step("Path sim:portal-a1 loses its connection (TCP reset).");
                paths.get(0).setDown("connection reset by peer");
                steps.pause();
                steps.show(device, "I/O continues on sim:portal-a2. " + load.progress());

                steps.step("The array moves port group 1 to ALUA standby (sim:portal-a2 too).");
                paths.get(1).setAccessState(AccessState.STANDBY, true);
                steps.pause();
                steps.show(device, "Failed over to the non-optimized group. " + load.progress());

                steps.step("Port group 1 returns: a1 reconnects, a2 becomes active/optimized again.");
                paths.get(0).setUp();
                paths.get(1).setAccessState(AccessState.OPTIMIZED, true);
                steps.pause();
                steps.pause();
                steps.show(device, "Failed back (failback immediate). " + load.progress());

                DemoWorkload.Result r = load.stopAndVerify();
                out.printf("%nResult: %,d I/Os, %d I/O errors, %d data mismatches, longest completion gap %d ms,"
                                + " %d redrives, %d failovers.%n", r.ios(), r.errors(), r.mismatches(), r.longestGapMillis(),
                        device.counters().redrives(), device.counters().failovers());
                if (r.errors() != 0 || r.mismatches() != 0) {
                    out.println("FAILED: the demo saw errors; please report this.");
                    return 1;
                }
                out.println("Zero errors while at least one path worked: that is the promise of multipath.");
                return 0;
            }
        }
    }

    private static SimulatedPath path(String name, int tpg, AccessState access, SimulatedMedium medium,
                                      SystemTimeSource time, long latencyMicros) {
        PathIdentity id = new PathIdentity(name, WWID, "MPATH4J", "SIMULATED", "0001", "d3m0", tpg, "iqn.2026-11.io.mpath4j:demo");
        SimulatedPath p = new SimulatedPath(id, medium, time);
        p.setAccessState(access, false);
        p.setLatency(Duration.ofNanos(latencyMicros * 1000));
        return p;
    }
}
