package io.mpath4j.lab.proof;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.verify.VerifyingWorkload;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.nbd.server.NbdExport;
import io.mpath4j.nbd.server.NbdServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Torture (issue 7): a {@link MultipathDevice} over the iSCSI paths of a {@link TortureRig}, a
 * random fault on a random path every 1–3 s, while two verifying workloads run: the Java API
 * ({@link VerifyingWorkload}: 32 workers, each one I/O in flight, on the first 8 MiB, every read
 * checked against the last acknowledged write) and fio through the device's NBD export
 * ({@link FioVerify}: 2 jobs × depth 16 of crc32c-verified random writes on 16 MiB each from 16 MiB
 * on). Pass: zero I/O errors, zero mismatches, fio clean with its verify reads done.
 */
public final class TortureRun implements AutoCloseable {

    /** The LU: 8 MiB for the Java workload, 2 × 16 MiB for fio, room to spare. */
    public static final long SIZE = 64L << 20;
    private static final int WORKERS = 32;
    private static final int BLOCKS_PER_WORKER = 64;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final TortureRig rig;
    private final List<IscsiPath> paths;
    private final MultipathDevice device;
    private final NbdServer server;
    private final Random random;

    /** Connects to every path of {@code rig}; the run owns the rig from here on and closes it. */
    public TortureRun(TortureRig rig, long seed) throws Exception {
        this.rig = rig;
        this.random = new Random(seed);
        List<IscsiPath> p = List.of();
        MultipathDevice d = null;
        try {
            IscsiPaths.Result r = IscsiPaths.connect(rig.uris(), TortureRig.options());
            p = r.paths();
            if (p.size() != rig.uris().size()) {
                throw new IllegalStateException("expected " + rig.uris().size() + " paths: " + r);
            }
            d = proofDevice("mpath-torture", p);
            server = NbdServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .export(new NbdExport("torture", d)).start();
        } catch (Exception | Error e) {
            if (d != null) {
                d.close();
            }
            p.forEach(IscsiPath::close);
            rig.close();
            throw e;
        }
        this.paths = p;
        this.device = d;
    }

    /**
     * The device of the proofs: paths grouped by ALUA priority, I/O queued while no path works (so
     * that only a lost or corrupted block can fail the run), no flap damping (a path faulted every
     * few seconds is the point), checkers every 100 ms.
     */
    public static MultipathDevice proofDevice(String name, List<? extends io.mpath4j.core.path.Path> paths) {
        return new MultipathDevice(name, DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("group_by_prio"))
                .withPrioritizer(Prioritizers.parse("alua", ""))
                .withNoPathRetry(new NoPathRetry.Queue())
                .withFlapDamping(FlapDamping.DISABLED),
                Engine.system(new MonitorConfig(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2))),
                paths);
    }

    /**
     * Runs for {@code duration}; each fault cycle is reported to {@code cycleLog} as one line. Never
     * throws for what the device did: it reports it.
     */
    public TortureReport run(Duration duration, boolean withFio, Consumer<String> cycleLog) throws Exception {
        long seconds = Math.max(5, duration.toSeconds());
        String fioSkipped = null;
        ExternalCommand fio = null;
        if (!withFio) {
            fioSkipped = "--no-fio";
        } else if (!ExternalCommand.installed("fio")) {
            fioSkipped = "fio is not installed (apt-get install fio); only the Java workload verified";
        } else {
            String uri = "nbd://127.0.0.1:" + server.localAddress().getPort() + "/torture";
            fio = ExternalCommand.start(FioVerify.command(uri, 16L << 20, 16L << 20, Duration.ofSeconds(seconds)));
        }
        // bounded by the run's end; the cap (~100 h at 30,000 ops/s) only guards against a run that never ends
        VerifyingWorkload w = new VerifyingWorkload(device, WORKERS, BLOCKS_PER_WORKER, random.nextLong(), 10_000_000_000L);
        List<String> failures = new ArrayList<>();
        Map<TortureFault, Integer> counts = new EnumMap<>(TortureFault.class);
        long cycles = 0;
        int failedBefore = 0;
        List<TortureFault> faults = rig.faults();
        w.start();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        FioVerify.Result fioResult = null;
        try {
            while (System.nanoTime() < end - TimeUnit.SECONDS.toNanos(3)) {
                Thread.sleep(1000 + random.nextInt(2000));
                TortureFault f = faults.get(random.nextInt(faults.size()));
                int path = random.nextInt(paths.size());
                String what = rig.inject(f, path, random);
                cycles++;
                counts.merge(f, 1, Integer::sum);
                int failed = w.failures().size();
                cycleLog.accept(String.format("%s +%ds cycle %d %s path %d (%s): %s; %d verified ops; %s",
                        LocalTime.now().format(CLOCK), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), cycles, f,
                        path + 1, paths.get(path).identity().name(), what, w.ops(),
                        failed == failedBefore ? "ok" : (failed - failedBefore) + " NEW FAILURES"));
                failedBefore = failed;
            }
        } finally {
            rig.clearFaults();
            if (fio != null) {
                try {
                    ExternalCommand.Result r = fio.await(Duration.ofSeconds(seconds + 120));
                    fioResult = FioVerify.parse(r.exitCode(), r.output());
                } catch (IllegalStateException e) {
                    failures.add("fio: " + e.getMessage());
                } finally {
                    fio.close();
                }
            }
            w.stop();
            w.verifyAll();
            failures.addAll(w.failures());
        }
        return new TortureReport(rig.describe(), paths.size(), seconds, cycles, counts, w.ops(), failures, fioResult,
                fioSkipped, device.counters().redrives(), device.counters().failovers(), rig.notes());
    }

    @Override
    public void close() throws Exception {
        server.close();
        device.close();
        paths.forEach(IscsiPath::close);
        rig.close();
    }
}
