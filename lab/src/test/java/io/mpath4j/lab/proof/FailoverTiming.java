package io.mpath4j.lab.proof;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.lab.lu.Backstore;
import io.mpath4j.lab.lu.LabLogicalUnit;
import io.mpath4j.lab.lu.LabLuns;
import io.mpath4j.lab.lu.TargetPortGroups;
import io.mpath4j.lab.target.LabTarget;
import io.mpath4j.scsi.alua.AluaState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failover timing (issue 7): the longest gap between two I/O completions the application sees
 * while the active path is reset, silently cut or goes through an ALUA transition. A
 * {@link MultipathDevice} over two {@link IscsiPath}s to a {@link LabTarget} whose unit has two
 * ALUA port groups (group 1 active/optimized through portal 0, group 2 active/non-optimized through
 * portal 1; group_by_prio, alua prioritizer): all I/O goes through portal 0 until it fails. Both
 * portals are in one iSCSI portal group, so a write stuck on a cut path is fenced by reinstating its
 * session through the other portal (see docs/architecture.md, "Proof under faults"). Paced
 * workers (write then read back a 4 KiB block of their own, 1 ms apart) stamp each completion.
 */
public final class FailoverTiming implements AutoCloseable {

    static final String IQN = "iqn.2026-11.io.mpath4j:timing";
    static final int BLOCK = 4096;

    /** The fault of one trial. */
    public enum Fault {
        /** Portal 0 resets its connections (RST): the path sees it at once. */
        RESET,
        /** Portal 0 goes silent (lab target blackhole): only the NOP-Out timeout finds it. */
        SILENT,
        /** Group 1 moves to standby and group 2 to active/optimized, each through TRANSITIONING. */
        TRANSITION
    }

    private final Duration transitionTime;
    private final TargetPortGroups groups;
    private final LabLuns luns;
    private final LabTarget target;
    private final List<IscsiPath> paths;
    private final MultipathDevice device;
    private final AtomicLong lastCompletion = new AtomicLong();
    private final AtomicLong maxGap = new AtomicLong();
    private final AtomicLong completions = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();
    private boolean flipped;

    public FailoverTiming(Duration transitionTime, IscsiOptions options) throws Exception {
        this.transitionTime = transitionTime;
        groups = TargetPortGroups.builder().group(1, AluaState.ACTIVE_OPTIMIZED, 1)
                .group(2, AluaState.ACTIVE_NON_OPTIMIZED, 2).implicit(true).transitionTime(transitionTime).build();
        luns = LabLuns.builder().lun(0, LabLogicalUnit.builder("timing1", Backstore.memory(16 << 20, 512))
                .portGroups(groups).build()).build();
        // one iSCSI portal group (tag 1) so a path can fence through the other portal; ALUA groups 1 and 2
        target = LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1).portal("127.0.0.2", 0, 1, 2, 2)
                .target(IQN, luns, 0).start();
        IscsiPaths.Result r = IscsiPaths.connect(List.of(IscsiUri.parse(target.uri(0, IQN, 0)),
                IscsiUri.parse(target.uri(1, IQN, 0))), options);
        paths = r.paths();
        if (paths.size() != 2) {
            close();
            throw new IllegalStateException("expected two paths: " + r);
        }
        device = TortureRun.proofDevice("mpath-timing", paths);
    }

    /** The options of the measured runs: NOP-Out every 250 ms, 1 s to answer. */
    public static IscsiOptions options() {
        return TortureRig.options();
    }

    public void startWorkload(int threads) {
        lastCompletion.set(System.nanoTime());
        for (int w = 0; w < threads; w++) {
            int worker = w;
            workers.add(Thread.ofVirtual().start(() -> run(worker)));
        }
    }

    private void run(int worker) {
        long offset = (long) worker * BLOCK;
        byte[] data = new byte[BLOCK];
        long gen = 0;
        while (!stop.get()) {
            gen++;
            Arrays.fill(data, (byte) gen);
            ByteBuffer.wrap(data).putLong(gen);
            IoStatus s = io(new IoRequest.Write(offset, ByteBuffer.wrap(data.clone()), false));
            if (s.isOk()) {
                ByteBuffer back = ByteBuffer.allocate(BLOCK);
                s = io(new IoRequest.Read(offset, back));
                if (s.isOk() && !Arrays.equals(back.array(), data)) {
                    errors.add("worker " + worker + " gen " + gen + ": mismatch");
                }
            }
            if (!s.isOk()) {
                errors.add("worker " + worker + ": " + s);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private IoStatus io(IoRequest r) {
        IoStatus s;
        try {
            s = device.submit(r).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            s = new IoStatus.PathError("timing: " + e, false);
        }
        long now = System.nanoTime();
        long gap = now - lastCompletion.getAndSet(now);
        maxGap.accumulateAndGet(gap, Math::max);
        completions.incrementAndGet();
        return s;
    }

    /**
     * One trial: waits for both paths, settles, injects the fault, waits {@code window}, heals, and
     * returns the longest completion gap in milliseconds seen from just before the fault on.
     */
    public long trial(Fault fault, Duration window) throws Exception {
        GhostWriteTrial.waitFor(30, () -> ActivePath.usable(device) == 2);
        Thread.sleep(300);
        maxGap.set(0);
        switch (fault) {
            case RESET -> target.faults(ActivePath.index(device, paths)).reset(false);
            case SILENT -> target.faults(ActivePath.index(device, paths)).blackhole(true);
            case TRANSITION -> {
                // flip the optimized group: both pass through TRANSITIONING for transitionTime
                int from = flipped ? 2 : 1;
                int to = flipped ? 1 : 2;
                groups.setState(from, AluaState.STANDBY);
                groups.setState(to, AluaState.ACTIVE_OPTIMIZED);
                flipped = !flipped;
            }
        }
        Thread.sleep(window.toMillis());
        long healed = System.nanoTime();
        for (int i = 0; i < 2; i++) {
            target.faults(i).clear();
        }
        // a stall still going on when the window ends counts in full: wait for the next completion
        GhostWriteTrial.waitFor(60, () -> lastCompletion.get() > healed);
        long gap = maxGap.get();
        if (fault == Fault.TRANSITION) {
            // back to two usable paths for the next trial: the standby group becomes non-optimized
            groups.setState(flipped ? 1 : 2, AluaState.ACTIVE_NON_OPTIMIZED);
        }
        return TimeUnit.NANOSECONDS.toMillis(gap);
    }



    public long completions() {
        return completions.get();
    }

    public ConcurrentLinkedQueue<String> errors() {
        return errors;
    }

    public Duration transitionTime() {
        return transitionTime;
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        for (Thread t : workers) {
            t.join(10_000);
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

    static String percentiles(List<Long> ms) {
        List<Long> s = ms.stream().sorted().toList();
        return String.format("n=%d p50=%d ms p99=%d ms max=%d ms", s.size(), s.get(s.size() / 2),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)), s.getLast());
    }

    /** {@code FailoverTiming [trials per fault] [transition ms]}: prints p50/p99/max per fault. */
    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Duration transition = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 500);
        try (FailoverTiming t = new FailoverTiming(transition, options())) {
            t.startWorkload(8);
            for (Fault f : Fault.values()) {
                List<Long> gaps = new ArrayList<>();
                Duration window = f == Fault.RESET ? Duration.ofMillis(700) : Duration.ofMillis(2500 + transition.toMillis());
                for (int i = 0; i < trials; i++) {
                    gaps.add(t.trial(f, window));
                }
                System.out.printf("%-10s %s (gap between completions, %d trials)%n", f, percentiles(gaps), trials);
            }
            System.out.printf("%d completions, %d errors %s%n", t.completions(), t.errors().size(),
                    t.errors().stream().limit(5).toList());
        }
        System.exit(0);
    }
}
