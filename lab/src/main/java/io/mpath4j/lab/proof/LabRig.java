package io.mpath4j.lab.proof;

import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.lab.lu.Backstore;
import io.mpath4j.lab.lu.LabLogicalUnit;
import io.mpath4j.lab.lu.LabLuns;
import io.mpath4j.lab.lu.TargetPortGroups;
import io.mpath4j.lab.target.LabTarget;
import io.mpath4j.lab.target.PortalFaults;
import io.mpath4j.scsi.alua.AluaState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The lab target with one portal per path on 127.0.0.1..N, one iSCSI portal group (a stuck write
 * is fenced by reinstating its session through another portal) and one ALUA target port group per
 * portal, the first active/optimized; the target's own fault switches make resets, blackholes and
 * latency, and its port groups flip.
 */
public final class LabRig implements TortureRig {

    static final String IQN = "iqn.2026-11.io.mpath4j:torture";

    private final int paths;
    private final TargetPortGroups groups;
    private final LabLuns luns;
    private final LabTarget target;
    private int optimized = 1;

    public LabRig(int paths, long size) throws Exception {
        this.paths = paths;
        TargetPortGroups.Builder g = TargetPortGroups.builder().implicit(true).transitionTime(Duration.ofMillis(200));
        LabTarget.Builder t = LabTarget.builder();
        for (int i = 1; i <= paths; i++) {
            g.group(i, i == 1 ? AluaState.ACTIVE_OPTIMIZED : AluaState.ACTIVE_NON_OPTIMIZED, i);
            t.portal("127.0.0." + i, 0, 1, i, i);
        }
        groups = g.build();
        luns = LabLuns.builder().lun(0, LabLogicalUnit.builder("torture1", Backstore.memory(size, 512))
                .portGroups(groups).build()).build();
        try {
            target = t.target(IQN, luns, 0).start();
        } catch (Exception e) {
            luns.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return "lab target, " + paths + " portals on 127.0.0.1-" + paths + ", one ALUA group per portal";
    }

    @Override
    public List<IscsiUri> uris() {
        List<IscsiUri> uris = new ArrayList<>();
        for (int i = 0; i < paths; i++) {
            uris.add(IscsiUri.parse(target.uri(i, IQN, 0)));
        }
        return uris;
    }

    @Override
    public List<TortureFault> faults() {
        return List.of(TortureFault.RESET, TortureFault.BLACKHOLE, TortureFault.ALUA_FLIP, TortureFault.LATENCY);
    }

    @Override
    public List<String> notes() {
        return List.of("silent link cuts need the netns test bed: see --target tgt as root");
    }

    @Override
    public String inject(TortureFault fault, int path, Random random) throws Exception {
        PortalFaults f = target.faults(path);
        return switch (fault) {
            case RESET -> {
                f.reset(false);
                yield "connections reset";
            }
            case BLACKHOLE -> {
                Duration d = TortureRig.hold(random);
                f.blackhole(true);
                try {
                    Thread.sleep(d);
                } finally {
                    f.blackhole(false);
                }
                yield "silent for " + d.toMillis() + " ms";
            }
            case ALUA_FLIP -> {
                int next = 1 + random.nextInt(paths);
                if (next == optimized) {
                    yield "group " + next + " stays active/optimized";
                }
                groups.setState(optimized, AluaState.ACTIVE_NON_OPTIMIZED);
                groups.setState(next, AluaState.ACTIVE_OPTIMIZED);
                int was = optimized;
                optimized = next;
                yield "active/optimized group " + was + " -> " + next;
            }
            case LATENCY -> {
                Duration d = TortureRig.hold(random);
                f.latency(Duration.ofMillis(20), Duration.ofMillis(40));
                try {
                    Thread.sleep(d);
                } finally {
                    f.latency(Duration.ZERO, Duration.ZERO);
                }
                yield "20-60 ms for " + d.toMillis() + " ms";
            }
            default -> throw new IllegalArgumentException(fault + " is not a lab target fault");
        };
    }

    @Override
    public void clearFaults() {
        for (int i = 0; i < paths; i++) {
            target.faults(i).clear();
        }
    }

    @Override
    public void close() throws Exception {
        target.close();
        luns.close();
    }
}
