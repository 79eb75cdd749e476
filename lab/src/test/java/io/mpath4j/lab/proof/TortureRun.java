package io.mpath4j.lab.proof;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.lab.lu.Backstore;
import io.mpath4j.lab.lu.LabLogicalUnit;
import io.mpath4j.lab.lu.LabLuns;
import io.mpath4j.lab.lu.TargetPortGroups;
import io.mpath4j.lab.target.LabTarget;
import io.mpath4j.lab.target.PortalFaults;
import io.mpath4j.nbd.PeerProcess;
import io.mpath4j.core.verify.VerifyingWorkload;
import io.mpath4j.nbd.server.NbdExport;
import io.mpath4j.nbd.server.NbdServer;
import io.mpath4j.scsi.alua.AluaState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Torture (issue 7): a {@link MultipathDevice} over 2 or 4 {@link IscsiPath}s to the portals of one
 * {@link LabTarget} (one iSCSI portal group, one ALUA group per portal), a random fault every 1–3 s on
 * one portal at a time (reset, blackhole then restore, ALUA flip, latency), while a verifying
 * workload runs through the Java API ({@link VerifyingWorkload}: 32 workers, each one I/O in
 * flight, disjoint 4 KiB blocks, every read checked) and fio runs through the device's NBD export
 * ({@code --ioengine=nbd --verify=crc32c}, 2 jobs at depth 16 on a region of their own). Pass:
 * zero I/O errors, zero mismatches, fio exits 0 without "verify: bad".
 */
public final class TortureRun implements AutoCloseable {

    static final String IQN = "iqn.2026-11.io.mpath4j:torture";
    static final long SIZE = 64L << 20;

    /** The faults, one per cycle. */
    public enum Fault {
        RESET,
        BLACKHOLE,
        ALUA_FLIP,
        LATENCY
    }

    /** What a run saw. */
    public record Report(int paths, long cycles, Map<Fault, Integer> faults, long verifiedOps, List<String> failures,
            int fioExit, boolean fioVerifyBad, String fioSummary, long redrives, long failovers) {
        public boolean passed() {
            return failures.isEmpty() && fioExit == 0 && !fioVerifyBad;
        }

        @Override
        public String toString() {
            return String.format("torture %d paths: %d cycles %s, %d verified ops, %d failures %s, fio exit %d%s (%s),"
                    + " %d redrives, %d failovers: %s", paths, cycles, faults, verifiedOps, failures.size(),
                    failures.stream().limit(5).toList(), fioExit, fioVerifyBad ? " VERIFY BAD" : "", fioSummary,
                    redrives, failovers, passed() ? "PASS" : "FAIL");
        }
    }

    private final int portals;
    private final TargetPortGroups groups;
    private final LabLuns luns;
    private final LabTarget target;
    private final List<IscsiPath> paths;
    private final MultipathDevice device;
    private final NbdServer server;
    private final Random random;
    private int optimized = 1;

    public TortureRun(int portals, long seed) throws Exception {
        this.portals = portals;
        this.random = new Random(seed);
        TargetPortGroups.Builder g = TargetPortGroups.builder().implicit(true).transitionTime(Duration.ofMillis(200));
        LabTarget.Builder t = LabTarget.builder();
        for (int i = 1; i <= portals; i++) {
            g.group(i, i == 1 ? AluaState.ACTIVE_OPTIMIZED : AluaState.ACTIVE_NON_OPTIMIZED, i);
            // one iSCSI portal group: a stuck write is fenced by reinstating its session through another portal
            t.portal("127.0.0." + i, 0, 1, i, i);
        }
        groups = g.build();
        luns = LabLuns.builder().lun(0, LabLogicalUnit.builder("torture1", Backstore.memory(SIZE, 512))
                .portGroups(groups).build()).build();
        target = t.target(IQN, luns, 0).start();
        List<IscsiUri> uris = new ArrayList<>();
        for (int i = 0; i < portals; i++) {
            uris.add(IscsiUri.parse(target.uri(i, IQN, 0)));
        }
        IscsiPaths.Result r = IscsiPaths.connect(uris, FailoverTiming.options());
        paths = r.paths();
        if (paths.size() != portals) {
            close();
            throw new IllegalStateException("expected " + portals + " paths: " + r);
        }
        device = new MultipathDevice("mpath-torture", DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("group_by_prio"))
                .withPrioritizer(Prioritizers.parse("alua", ""))
                .withNoPathRetry(new NoPathRetry.Queue())
                .withFlapDamping(FlapDamping.DISABLED),
                Engine.system(new MonitorConfig(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2))),
                paths);
        server = NbdServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .export(new NbdExport("torture", device)).start();
    }

    /** Runs for {@code duration}; never throws for what the device did, reports it. */
    public Report run(Duration duration) throws Exception {
        // blocks 0..8 MiB; a VerifyingWorkload stops itself at 200,000 operations, so long runs use several
        VerifyingWorkload w = new VerifyingWorkload(device, 32, 64, random.nextLong());
        List<String> failures = new ArrayList<>();
        long ops = 0;
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        long cycles = 0;
        long seconds = Math.max(5, duration.toSeconds());
        String uri = "nbd://127.0.0.1:" + server.localAddress().getPort() + "/torture";
        // fio from 16 MiB on: its own region, apart from the Java workload's blocks
        List<String> fio = PeerProcess.cmd("fio", "--name=torture", "--ioengine=nbd", "--uri=" + uri, "--rw=randrw",
                "--bs=4k", "--iodepth=16", "--numjobs=2", "--offset=16m", "--size=16m", "--offset_increment=16m",
                "--runtime=" + seconds, "--time_based", "--verify=crc32c", "--verify_fatal=1", "--group_reporting");
        PeerProcess.Result[] fioResult = new PeerProcess.Result[1];
        Thread fioThread = Thread.ofVirtual().start(
                () -> fioResult[0] = PeerProcess.run(fio, Duration.ofSeconds(seconds + 120)));
        w.start();
        long end = System.nanoTime() + duration.toNanos();
        try {
            while (System.nanoTime() < end - TimeUnit.SECONDS.toNanos(2)) {
                Thread.sleep(1000 + random.nextInt(2000));
                Fault f = Fault.values()[random.nextInt(Fault.values().length)];
                inject(f);
                counts.merge(f, 1, Integer::sum);
                cycles++;
                if (w.ops() > 190_000) {
                    w.stop();
                    w.verifyAll();
                    failures.addAll(w.failures());
                    ops += w.ops();
                    // a new workload expects its blocks to start as zeroes
                    var z = device.submit(new io.mpath4j.core.IoRequest.WriteZeroes(0, 32 * 64 * 4096L, false))
                            .get(60, TimeUnit.SECONDS);
                    if (!z.isOk()) {
                        failures.add("zeroing the workload's blocks: " + z);
                    }
                    w = new VerifyingWorkload(device, 32, 64, random.nextLong());
                    w.start();
                }
            }
        } finally {
            for (int i = 0; i < portals; i++) {
                target.faults(i).clear();
            }
            fioThread.join(TimeUnit.SECONDS.toMillis(seconds + 150));
            w.stop();
        }
        w.verifyAll();
        failures.addAll(w.failures());
        ops += w.ops();
        PeerProcess.Result fr = fioResult[0];
        String out = fr == null ? "fio did not finish" : fr.output();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(read|write): IOPS=([0-9.k]+)").matcher(out);
        StringBuilder summary = new StringBuilder("fio");
        while (m.find()) {
            summary.append(' ').append(m.group(1)).append(" IOPS=").append(m.group(2));
        }
        return new Report(portals, cycles, counts, ops, failures, fr == null ? -1 : fr.exitCode(),
                out.contains("verify: bad") || out.contains("bad magic"), summary.toString(), device.counters().redrives(),
                device.counters().failovers());
    }

    /** One fault on one portal; a lasting fault heals before it returns, so one path is always fine. */
    private void inject(Fault f) throws Exception {
        PortalFaults faults = target.faults(random.nextInt(portals));
        switch (f) {
            case RESET -> faults.reset(false);
            case BLACKHOLE -> {
                faults.blackhole(true);
                Thread.sleep(1000 + random.nextInt(1000));
                faults.blackhole(false);
            }
            case ALUA_FLIP -> {
                int next = 1 + random.nextInt(portals);
                if (next != optimized) {
                    groups.setState(optimized, AluaState.ACTIVE_NON_OPTIMIZED);
                    groups.setState(next, AluaState.ACTIVE_OPTIMIZED);
                    optimized = next;
                }
            }
            case LATENCY -> {
                faults.latency(Duration.ofMillis(20), Duration.ofMillis(40));
                Thread.sleep(1000 + random.nextInt(1000));
                faults.latency(Duration.ZERO, Duration.ZERO);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close();
        }
        if (device != null) {
            device.close();
        }
        if (paths != null) {
            paths.forEach(IscsiPath::close);
        }
        target.close();
        luns.close();
    }

    /** {@code TortureRun [seconds=600] [paths=2]}: exit status 1 unless it passed. */
    public static void main(String[] args) throws Exception {
        Duration d = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 600);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        long seed = System.nanoTime();
        System.out.println("torture seed " + seed);
        Report r;
        try (TortureRun t = new TortureRun(n, seed)) {
            r = t.run(d);
        }
        System.out.println(r);
        System.exit(r.passed() ? 0 : 1);
    }
}
