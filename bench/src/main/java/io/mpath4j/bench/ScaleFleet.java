package io.mpath4j.bench;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The devices and simulated paths of the scale harness: per device one WWID, one small medium and
 * four paths, two in ALUA target port group 1 (active/optimized) and two in group 2
 * (active/non-optimized), grouped by priority with the alua prioritizer.
 *
 * <p>Path {@code p} of device {@code d} has the global index {@code d * PATHS + p}; the storm uses
 * it to give every path to exactly one storm thread.
 */
final class ScaleFleet {

    static final int PATHS = 4;
    /** One 4 KiB block per unit: the harness measures the control path, and 2,500 larger media would only load the GC. */
    static final long MEDIUM_BYTES = 4 << 10;
    static final String VENDOR_PRODUCT = "MPATH4J,SIMULATED";

    final MultipathDevice[] devices;
    final SimulatedPath[][] paths;

    private ScaleFleet(MultipathDevice[] devices, SimulatedPath[][] paths) {
        this.devices = devices;
        this.paths = paths;
    }

    /**
     * The configuration under test: group_by_prio + alua, failback immediate (what multipath-tools'
     * built-in ALUA array entries use), so that the expected active group after the storm is
     * simply the best usable one. Flap damping is off: the storm flaps paths on purpose, and with
     * damping a path would stay held for 5 s and more by policy, which would measure the configured
     * hold time instead of the engine.
     */
    static DeviceConfig config() {
        return DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("group_by_prio"))
                .withPrioritizer(Prioritizers.parse("alua", ""))
                .withFailback(new FailbackPolicy.Immediate())
                .withFlapDamping(FlapDamping.DISABLED);
    }

    /** Creates the paths (not timed: discovery is not assembly). */
    static SimulatedPath[][] createPaths(int deviceCount, Engine engine, long seed) {
        SimulatedPath[][] paths = new SimulatedPath[deviceCount][PATHS];
        for (int d = 0; d < deviceCount; d++) {
            String wwid = wwid(d);
            SimulatedMedium medium = new SimulatedMedium(MEDIUM_BYTES, 512);
            for (int p = 0; p < PATHS; p++) {
                boolean portA = p < PATHS / 2;
                PathIdentity id = PathIdentity.of(pathName(d, p), wwid)
                        .withTargetPortGroup(portA ? 1 : 2)
                        .withVendorProduct("MPATH4J", "SIMULATED", "0001");
                SimulatedPath path = new SimulatedPath(id, medium, engine.time(), seed + d * PATHS + p);
                // Before the device exists, so nothing is notified: this is the initial state.
                path.setAccessState(portA ? AccessState.OPTIMIZED : AccessState.NON_OPTIMIZED, false);
                paths[d][p] = path;
            }
        }
        return paths;
    }

    /** Builds one device per row of {@code paths}: the timed part ("assembly"). */
    static ScaleFleet assemble(SimulatedPath[][] paths, Engine engine) {
        DeviceConfig config = config();
        MultipathDevice[] devices = new MultipathDevice[paths.length];
        for (int d = 0; d < paths.length; d++) {
            devices[d] = new MultipathDevice(deviceName(d), config, engine, List.of(paths[d]));
        }
        return new ScaleFleet(devices, paths);
    }

    /**
     * Waits until every device ran its start task (event listeners attached, checkers scheduled).
     * The constructor only queues that task on the device's executor; {@code resize()} is queued
     * behind it (FIFO) and changes nothing here (all paths report the same size), so its
     * completion tells that the start task ran.
     */
    void awaitStarted() {
        CompletableFuture<?>[] barriers = new CompletableFuture<?>[devices.length];
        for (int d = 0; d < devices.length; d++) {
            barriers[d] = devices[d].resize();
        }
        CompletableFuture.allOf(barriers).join();
    }

    void close() {
        for (MultipathDevice d : devices) {
            d.close();
        }
    }

    static String deviceName(int d) {
        return String.format(Locale.ROOT, "mpath%05d", d);
    }

    static String pathName(int d, int p) {
        return String.format(Locale.ROOT, "sim:%05d-%s%d", d, p < PATHS / 2 ? "a" : "b", p % (PATHS / 2) + 1);
    }

    static String wwid(int d) {
        return String.format(Locale.ROOT, "36001405%024x", d);
    }
}
