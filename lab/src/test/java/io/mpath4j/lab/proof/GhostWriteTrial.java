package io.mpath4j.lab.proof;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.Path;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.lab.target.LabTarget;
import io.mpath4j.lab.target.MemoryDisk;
import io.mpath4j.lab.target.PortalFaults;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The ghost-write proof over iSCSI (issue 7), one trial at a time: a {@link MultipathDevice} over
 * two {@link IscsiPath}s to two portals of one {@link LabTarget} (one target portal group, so each
 * path can reinstate the other's session). A trial:
 *
 * <ol>
 *   <li>arms a held write on the portal of the active path A and writes W1 (the target holds it);</li>
 *   <li>cuts A: {@link Cut#RESET} (RST, new connections refused) or {@link Cut#BLACKHOLE} (silence,
 *       found by the NOP-Out timeout);</li>
 *   <li>W1 must complete OK: the engine fences A (session reinstatement through B's portal) and
 *       redrives W1 on B;</li>
 *   <li>writes W2 to the same blocks, which must complete OK;</li>
 *   <li>waits until A's held write has been released (its hold elapsed), heals A;</li>
 *   <li>the blocks must hold W2, read through the device and straight from the unit.</li>
 * </ol>
 *
 * With {@link UnfencedPath} (fence does nothing) a BLACKHOLE trial sees W1 land after W2: that is
 * the proof that the trial can fail. {@code main} loops it: {@code bench/lab-proof.sh ghost N}.
 */
public final class GhostWriteTrial implements AutoCloseable {

    static final String IQN = "iqn.2026-11.io.mpath4j:ghost";
    static final int BLOCK = 4096;
    static final int SECTOR = 512;
    static final int BLOCKS = 256;
    static final Duration RESET_HOLD = Duration.ofMillis(500);

    /** How path A is cut while it holds W1. */
    public enum Cut {
        RESET,
        BLACKHOLE
    }

    /** What one trial saw. */
    public record Outcome(int trial, Cut cut, boolean ghost, String problem, long millis) {
        public boolean ok() {
            return problem == null;
        }
    }

    private final MemoryDisk disk = new MemoryDisk((long) BLOCKS * BLOCK, SECTOR, "ghost1");
    private final LabTarget target;
    private final List<IscsiPath> iscsiPaths;
    private final MultipathDevice device;
    private final Duration hold;
    private final PortalFaults.HeldWrite.Fencing fencing;

    /**
     * @param fenced false wraps each path in {@link UnfencedPath}
     * @param hold how long the target holds W1: longer than failure detection plus W2
     * @param fencing whether the lab target behaves (WAITED_FOR) or lands W1 whatever happens (IGNORED)
     */
    public GhostWriteTrial(boolean fenced, Duration hold, PortalFaults.HeldWrite.Fencing fencing) throws Exception {
        this.hold = hold;
        this.fencing = fencing;
        // two portals in one portal group (tag 1): a login through either reinstates a session of the other
        target = LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1).portal("127.0.0.2", 0, 1, 2, 1)
                .target(IQN, disk, MemoryDisk.LUN).start();
        try {
            IscsiOptions options = IscsiOptions.defaults()
                    .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10))
                    .withNop(Duration.ofMillis(250), Duration.ofMillis(1000))
                    .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                    .withFenceTimeout(Duration.ofSeconds(10))
                    .withFencingDelay(Duration.ofMinutes(1)); // only a reinstatement fences, never the clock
            iscsiPaths = connect(options);
            List<Path> paths = new ArrayList<>();
            for (IscsiPath p : iscsiPaths) {
                paths.add(fenced ? p : new UnfencedPath(p));
            }
            // failover grouping: one path carries the I/O, so W1 goes where the hold is armed
            device = new MultipathDevice("mpath-ghost", DeviceConfig.defaults()
                    .withNoPathRetry(new NoPathRetry.Queue())
                    .withFlapDamping(FlapDamping.DISABLED), // every trial cuts a path on purpose
                    Engine.system(new MonitorConfig(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2))),
                    paths);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Both paths, tried three times: a login on a loaded machine may time out. */
    private List<IscsiPath> connect(IscsiOptions options) throws InterruptedException {
        List<IscsiUri> uris = List.of(IscsiUri.parse(target.uri(0, IQN, 0)), IscsiUri.parse(target.uri(1, IQN, 0)));
        IscsiPaths.Result r = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            r = IscsiPaths.connect(uris, options);
            if (r.paths().size() == 2 && r.warnings().isEmpty()) {
                return r.paths();
            }
            r.paths().forEach(IscsiPath::close);
            Thread.sleep(500);
        }
        throw new IllegalStateException("expected two paths to one unit: " + r);
    }

    /** Runs trial {@code n}: never throws for what the target or engine did, reports it. */
    public Outcome run(int n, Cut cut) throws Exception {
        long start = System.nanoTime();
        String problem = trial(n, cut);
        boolean ghost = problem != null && problem.startsWith("GHOST");
        return new Outcome(n, cut, ghost, problem, (System.nanoTime() - start) / 1_000_000);
    }

    private String trial(int n, Cut cut) throws Exception {
        if (!waitFor(20, () -> ActivePath.usable(device) == 2)) {
            return "paths did not both come back before trial " + n + ": " + device.topology().paths();
        }
        int a = ActivePath.index(device, iscsiPaths);
        PortalFaults faults = target.faults(a);
        int block = n % BLOCKS;
        long offset = (long) block * BLOCK;
        long lba = offset / SECTOR;
        byte[] w1 = pattern(n, 1);
        byte[] w2 = pattern(n, 2);
        // a reset is seen at once, so a short hold outlasts W1's redrive and W2; silence needs the NOP timeout
        Duration hold = cut == Cut.RESET ? RESET_HOLD.compareTo(this.hold) < 0 ? RESET_HOLD : this.hold : this.hold;
        faults.holdNextWrite(lba, lba + BLOCK / SECTOR - 1, hold, fencing);
        CompletableFuture<IoStatus> first = device.submit(new IoRequest.Write(offset, ByteBuffer.wrap(w1), false));
        if (!waitFor(10, () -> !faults.holdArmed())) {
            faults.clear();
            return "W1 never reached the held portal " + a + " (" + first.getNow(null) + ")";
        }
        long heldAt = System.nanoTime();
        switch (cut) {
            case RESET -> faults.reset(true);
            case BLACKHOLE -> faults.blackhole(true);
        }
        try {
            IoStatus s1 = first.get(30, TimeUnit.SECONDS);
            if (!s1.isOk()) {
                return "W1 failed: " + s1;
            }
            IoStatus s2 = device.submit(new IoRequest.Write(offset, ByteBuffer.wrap(w2), false)).get(30, TimeUnit.SECONDS);
            if (!s2.isOk()) {
                return "W2 failed: " + s2;
            }
            // let A's held write go: its hold ends; a fenced target has dropped it, a ghost lands now
            long left = heldAt + hold.toNanos() + TimeUnit.MILLISECONDS.toNanos(150) - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        } finally {
            switch (cut) {
                case RESET -> faults.acceptNew();
                case BLACKHOLE -> faults.blackhole(false);
            }
        }
        Thread.sleep(50); // a ghost released by the heal has its chance to land
        byte[] onUnit = disk.read(offset, BLOCK);
        ByteBuffer viaDevice = ByteBuffer.allocate(BLOCK);
        IoStatus r = device.submit(new IoRequest.Read(offset, viaDevice)).get(30, TimeUnit.SECONDS);
        if (Arrays.equals(onUnit, w1)) {
            return "GHOST: W1 landed after W2 (trial " + n + ", " + cut + ", path A = portal " + a + ")";
        }
        if (!Arrays.equals(onUnit, w2)) {
            return "the unit holds neither W1 nor W2 (trial " + n + ")";
        }
        if (!r.isOk() || !Arrays.equals(viaDevice.array(), w2)) {
            return "read through the device: " + r + (r.isOk() ? ", not W2" : "");
        }
        return null;
    }



    static byte[] pattern(int trial, int gen) {
        byte[] b = new byte[BLOCK];
        new Random(trial * 31L + gen).nextBytes(b);
        ByteBuffer.wrap(b).putInt(trial).putInt(gen);
        return b;
    }

    static boolean waitFor(int seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    public long redrives() {
        return device.counters().redrives();
    }

    @Override
    public void close() {
        if (device != null) {
            device.close();
        }
        if (iscsiPaths != null) {
            iscsiPaths.forEach(IscsiPath::close);
        }
        target.close();
    }

    /**
     * {@code GhostWriteTrial [trials] [cut: reset|blackhole|mixed] [holdMs] [fenced: true|false]}:
     * prints one line per failing trial and a summary; exit status 1 if any trial failed.
     */
    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String mode = args.length > 1 ? args[1] : "mixed";
        Duration hold = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 2000);
        boolean fenced = args.length <= 3 || Boolean.parseBoolean(args[3]);
        int failed = 0;
        int ghosts = 0;
        long start = System.nanoTime();
        try (GhostWriteTrial t = new GhostWriteTrial(fenced, hold, PortalFaults.HeldWrite.Fencing.WAITED_FOR)) {
            for (int i = 0; i < trials; i++) {
                Cut cut = switch (mode) {
                    case "reset" -> Cut.RESET;
                    case "blackhole" -> Cut.BLACKHOLE;
                    default -> i % 2 == 0 ? Cut.RESET : Cut.BLACKHOLE;
                };
                Outcome o = t.run(i, cut);
                if (!o.ok()) {
                    failed++;
                    ghosts += o.ghost() ? 1 : 0;
                    System.out.println(o);
                }
                if ((i + 1) % 50 == 0) {
                    System.out.printf("%d trials, %d failed (%d ghosts), %d redrives, %d s%n", i + 1, failed, ghosts,
                            t.redrives(), (System.nanoTime() - start) / 1_000_000_000);
                }
            }
            System.out.printf("ghost writes: %d trials (%s, hold %d ms, fenced %s): %d failed, %d ghosts, %d redrives, %d s%n",
                    trials, mode, hold.toMillis(), fenced, failed, ghosts, t.redrives(),
                    (System.nanoTime() - start) / 1_000_000_000);
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
