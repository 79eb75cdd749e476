package io.mpath4j.daemon.lab;

import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.lab.lu.Backstore;
import io.mpath4j.lab.lu.Fault;
import io.mpath4j.lab.lu.LabLogicalUnit;
import io.mpath4j.lab.lu.LabLuns;
import io.mpath4j.lab.lu.TargetPortGroup;
import io.mpath4j.lab.lu.TargetPortGroups;
import io.mpath4j.lab.target.LabTarget;
import io.mpath4j.lab.target.PortalFaults;
import io.mpath4j.scsi.alua.AluaState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A lab target as {@code mpath lab target} and {@code mpath demo} run it: real {@link LabLuns}
 * behind a {@link LabTarget}, the portals optionally spread over ALUA target port groups (the
 * first group active/optimized, the others active/non-optimized), and {@link #apply} for the
 * changes {@code mpath lab set} asks for.
 */
public final class LabBench implements AutoCloseable {

    public static final String DEFAULT_IQN = "iqn.2026-11.io.mpath4j:lab";

    /**
     * What to run.
     *
     * @param groups 0 for no ALUA (TPGS 0), else the number of target port groups the portals are
     *     spread over in order (portal i goes to group {@code 1 + i * groups / portals})
     * @param backing a file backstore for LUN 0 (LUN L > 0 uses {@code FILE.L}), or null for memory
     * @param chap CHAP every initiator must prove, or null
     */
    public record Spec(String iqn, List<InetSocketAddress> portals, long sizeBytes, int blockSize, int luns, int groups,
                       Duration transitionTime, Path backing, ChapCredentials chap) {
        public Spec {
            Objects.requireNonNull(iqn, "iqn");
            portals = List.copyOf(portals);
            if (portals.isEmpty()) {
                throw new IllegalArgumentException("at least one --portal is needed");
            }
            if (luns < 1 || luns > 255) {
                throw new IllegalArgumentException("--luns must be 1-255, got " + luns);
            }
            if (groups < 0 || groups > portals.size()) {
                throw new IllegalArgumentException("--groups must be 1-" + portals.size() + " (one portal at least in each), got " + groups);
            }
            Backstore.checkSize(sizeBytes, blockSize);
        }
    }

    private final Spec spec;
    private final TargetPortGroups portGroups;
    private final LabLuns luns;
    private final LabTarget target;
    private final int[] groupOfPortal;

    private LabBench(Spec spec, TargetPortGroups portGroups, LabLuns luns, LabTarget target, int[] groupOfPortal) {
        this.spec = spec;
        this.portGroups = portGroups;
        this.luns = luns;
        this.target = target;
        this.groupOfPortal = groupOfPortal;
    }

    /** Builds the logical units and binds every portal; on failure nothing stays open. */
    public static LabBench start(Spec spec) throws IOException {
        int n = spec.portals().size();
        int[] groupOf = new int[n];
        TargetPortGroups groups = null;
        if (spec.groups() > 0) {
            TargetPortGroups.Builder b = TargetPortGroups.builder().transitionTime(spec.transitionTime());
            for (int g = 1; g <= spec.groups(); g++) {
                List<Integer> ports = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    groupOf[i] = 1 + i * spec.groups() / n;
                    if (groupOf[i] == g) {
                        ports.add(i + 1);
                    }
                }
                b.group(g, g == 1 ? AluaState.ACTIVE_OPTIMIZED : AluaState.ACTIVE_NON_OPTIMIZED, g == 1,
                        ports.stream().mapToInt(Integer::intValue).toArray());
            }
            groups = b.build();
        } else {
            java.util.Arrays.fill(groupOf, 1);
        }
        LabLuns.Builder lb = LabLuns.builder();
        List<Integer> lunNumbers = new ArrayList<>();
        List<Backstore> opened = new ArrayList<>();
        try {
            for (int l = 0; l < spec.luns(); l++) {
                Backstore store = spec.backing() == null
                        ? Backstore.memory(spec.sizeBytes(), spec.blockSize())
                        : Backstore.file(l == 0 ? spec.backing() : Path.of(spec.backing() + "." + l), spec.sizeBytes(),
                        spec.blockSize());
                opened.add(store);
                LabLogicalUnit.Builder ub = LabLogicalUnit.builder(spec.iqn() + "/" + l, store);
                if (groups != null) {
                    ub.portGroups(groups);
                }
                lb.lun(l, ub.build());
                lunNumbers.add(l);
            }
        } catch (IOException | RuntimeException e) {
            for (Backstore s : opened) {
                s.close();
            }
            throw e;
        }
        LabLuns units = lb.build();
        LabTarget.Builder tb = LabTarget.builder();
        for (int i = 0; i < n; i++) {
            InetSocketAddress a = spec.portals().get(i);
            tb.portal(a.getHostString(), a.getPort(), i + 1, i + 1, groupOf[i]);
        }
        tb.target(spec.iqn(), null, units, lunNumbers);
        if (spec.chap() != null) {
            tb.chap(spec.chap(), null);
        }
        try {
            return new LabBench(spec, groups, units, tb.start(), groupOf);
        } catch (IOException | RuntimeException e) {
            units.close();
            throw e;
        }
    }

    public LabTarget target() {
        return target;
    }

    public LabLuns luns() {
        return luns;
    }

    public String iqn() {
        return spec.iqn();
    }

    /** The ALUA port groups, or null when the target runs without ALUA. */
    public TargetPortGroups portGroups() {
        return portGroups;
    }

    /** The group id of portal {@code index} (1 without ALUA). */
    public int groupOfPortal(int index) {
        return groupOfPortal[index];
    }

    /** The URI of one LUN through one portal. */
    public String uri(int portal, int lun) {
        return target.uri(portal, spec.iqn(), lun);
    }

    /** What {@code lab target} prints at start: IQN, portals with their groups, each LUN through each portal. */
    public String describe() {
        StringBuilder b = new StringBuilder("target " + spec.iqn() + "\n");
        List<InetSocketAddress> bound = target.portals();
        for (int i = 0; i < bound.size(); i++) {
            b.append("  portal ").append(hostPort(bound.get(i))).append(" tpgt ").append(i + 1);
            if (portGroups != null) {
                b.append(" port group ").append(groupOfPortal[i]);
            }
            b.append('\n');
        }
        if (portGroups != null) {
            for (TargetPortGroup g : portGroups.groups()) {
                b.append("  port group ").append(g.id()).append(' ').append(label(g.state()));
                if (g.state() != g.target()) {
                    b.append(" -> ").append(label(g.target()));
                }
                b.append(" ports ").append(g.relativePorts()).append('\n');
            }
        } else {
            b.append("  no ALUA (all portals active; --alua adds port groups)\n");
        }
        for (var e : luns.units().entrySet()) {
            LabLogicalUnit u = e.getValue();
            b.append("  lun ").append(e.getKey()).append(" wwid ").append(u.wwid()).append(" size ")
                    .append(u.backstore().size()).append(" bytes\n");
            for (int i = 0; i < bound.size(); i++) {
                b.append("    ").append(uri(i, e.getKey().intValue())).append('\n');
            }
        }
        return b.toString();
    }

    /** Applies a request; the reply text says what changed. */
    public String apply(LabRequest r) throws IOException {
        return switch (r) {
            case LabRequest.SetGroup g -> {
                checkGroup(g.group());
                if (g.transition().isPresent()) {
                    portGroups.setState(g.group(), g.state(), g.transition().get());
                } else {
                    portGroups.setState(g.group(), g.state());
                }
                yield groupLine(portGroups.group(g.group()));
            }
            case LabRequest.Transition t -> {
                checkGroup(t.group());
                portGroups.setState(t.group(), portGroups.targetState(t.group()), t.length());
                yield groupLine(portGroups.group(t.group())) + " for " + t.length().toMillis() + " ms";
            }
            case LabRequest.PortalFault p -> portal(p);
            case LabRequest.FailNext f -> {
                unit(f.lun()).injectFault(Fault.nextCommands(f.count(), f.sense()));
                yield "lun " + f.lun() + ": the next " + f.count() + " commands fail with " + f.sense();
            }
            case LabRequest.ClearLun c -> {
                unit(c.lun()).clearFaults();
                yield "lun " + c.lun() + ": faults cleared";
            }
            case LabRequest.HoldWrite h -> {
                for (int i = 0; i < target.portals().size(); i++) {
                    target.faults(i).holdNextWrite(h.firstLba(), h.firstLba() + h.count() - 1, h.hold(),
                            PortalFaults.HeldWrite.Fencing.WAITED_FOR);
                }
                yield "the next write touching LBA " + h.firstLba() + ".." + (h.firstLba() + h.count() - 1)
                        + " through each portal is held " + h.hold().toMillis() + " ms";
            }
            case LabRequest.Status s -> status();
            case LabRequest.Stop s -> "stopping";
        };
    }

    private void checkGroup(int id) {
        if (portGroups == null) {
            throw new IllegalArgumentException("this lab target has no ALUA port groups (start it with --alua)");
        }
        if (portGroups.group(id) == null) {
            throw new IllegalArgumentException("no port group " + id + " (groups: "
                    + portGroups.groups().stream().map(TargetPortGroup::id).toList() + ")");
        }
    }

    /** {@code port group 2 transitioning -> active/optimized}, or {@code port group 2 standby}. */
    private static String groupLine(TargetPortGroup g) {
        return "port group " + g.id() + " " + label(g.state()) + (g.state() != g.target() ? " -> " + label(g.target()) : "");
    }

    private LabLogicalUnit unit(int lun) {
        LabLogicalUnit u = luns.units().get((long) lun);
        if (u == null) {
            throw new IllegalArgumentException("no LUN " + lun + " (LUNs: " + luns.units().keySet() + ")");
        }
        return u;
    }

    private String portal(LabRequest.PortalFault p) throws IOException {
        int i = portalIndex(p.portal());
        PortalFaults f = target.faults(i);
        switch (p.action()) {
            case BLACKHOLE -> f.blackhole(true);
            case RESET -> f.reset(false);
            case REFUSE -> f.reset(true);
            case ACCEPT -> {
                if (!f.isListening()) {
                    f.acceptNew();
                }
            }
            case RESTORE -> {
                f.clear();
                if (!f.isListening()) {
                    f.acceptNew();
                }
            }
            case LATENCY -> f.latency(p.latency(), p.jitter());
        }
        return portalLine(i);
    }

    private int portalIndex(String name) {
        List<InetSocketAddress> bound = target.portals();
        for (int i = 0; i < bound.size(); i++) {
            if (hostPort(bound.get(i)).equals(name)) {
                return i;
            }
        }
        if (name.matches("\\d{1,3}") && Integer.parseInt(name) < bound.size()) {
            return Integer.parseInt(name);
        }
        throw new IllegalArgumentException("no portal '" + name + "' (portals: "
                + bound.stream().map(LabBench::hostPort).toList() + ", or their index from 0)");
    }

    private String portalLine(int i) {
        PortalFaults f = target.faults(i);
        return "portal " + hostPort(target.portals().get(i)) + (f.isListening() ? " accepting" : " refusing")
                + (f.isBlackholed() ? ", blackhole" : "") + (f.holdArmed() ? ", write hold armed" : "") + ", "
                + f.connections() + " connection" + (f.connections() == 1 ? "" : "s");
    }

    /** Portals, port groups and sessions, one per line. */
    public String status() {
        StringBuilder b = new StringBuilder("target " + spec.iqn() + ", " + target.sessionCount() + " sessions\n");
        for (int i = 0; i < target.portals().size(); i++) {
            b.append(portalLine(i)).append(portGroups != null ? ", port group " + groupOfPortal[i] : "").append('\n');
        }
        if (portGroups != null) {
            for (TargetPortGroup g : portGroups.groups()) {
                b.append(groupLine(g)).append('\n');
            }
        }
        for (var e : luns.units().entrySet()) {
            b.append("lun ").append(e.getKey()).append(" wwid ").append(e.getValue().wwid()).append('\n');
        }
        return b.toString().stripTrailing();
    }

    /** {@code active/optimized}, as multipath -ll and sg_rtpg print states. */
    public static String label(AluaState s) {
        return switch (s) {
            case ACTIVE_OPTIMIZED -> "active/optimized";
            case ACTIVE_NON_OPTIMIZED -> "active/non-optimized";
            default -> s.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public void close() throws IOException {
        target.close();
        luns.close();
    }
}
