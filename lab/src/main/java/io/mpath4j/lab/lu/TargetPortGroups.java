package io.mpath4j.lab.lu;

import io.mpath4j.scsi.alua.AluaState;
import io.mpath4j.scsi.alua.ReportTargetPortGroupsData;
import io.mpath4j.scsi.alua.SetTargetPortGroupsParameters;
import io.mpath4j.scsi.alua.TargetPortGroupDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The ALUA target port groups of a lab target (SPC-4 §5.15.2): their states, changeable at run
 * time from Java ({@link #setState}) and, with explicit ALUA, by SET TARGET PORT GROUPS. A change
 * with a configured transition time first puts the group in TRANSITIONING and completes when the
 * time has passed on the injected clock: the completion is evaluated lazily whenever a state is
 * read, so no thread is needed and a test drives time by hand.
 *
 * <p>Every change (into and out of TRANSITIONING) notifies the listeners — the logical units, which
 * queue ASYMMETRIC ACCESS STATE CHANGED for their nexuses; the nexus that sent SET TARGET PORT
 * GROUPS is excluded from the change it asked for (SPC-4 §5.15.2.3).
 */
public final class TargetPortGroups {

    /** States a group may be put in; LBA dependent and offline are not modelled. */
    private static final int SUPPORTED = TargetPortGroupDescriptor.SUP_TRANSITIONING
            | TargetPortGroupDescriptor.SUP_UNAVAILABLE | TargetPortGroupDescriptor.SUP_STANDBY
            | TargetPortGroupDescriptor.SUP_NON_OPTIMIZED | TargetPortGroupDescriptor.SUP_OPTIMIZED;

    private static final class Group {
        final int id;
        final boolean preferred;
        final List<Integer> ports;
        AluaState state;
        AluaState target;
        long transitionEndsAt;
        int statusCode;

        Group(int id, AluaState state, boolean preferred, List<Integer> ports) {
            this.id = id;
            this.state = state;
            this.target = state;
            this.preferred = preferred;
            this.ports = List.copyOf(ports);
        }
    }

    private final Map<Integer, Group> groups;
    private final boolean implicit;
    private final boolean explicit;
    private final long transitionNanos;
    private final LongSupplier nanoClock;
    private final List<Consumer<Nexus>> listeners = new CopyOnWriteArrayList<>();

    private TargetPortGroups(Builder b) {
        this.groups = b.groups;
        this.implicit = b.implicit;
        this.explicit = b.explicit;
        this.transitionNanos = b.transitionTime.toNanos();
        this.nanoClock = b.nanoClock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds the groups; at least one group, implicit and/or explicit support. */
    public static final class Builder {
        private final Map<Integer, Group> groups = new LinkedHashMap<>();
        private boolean implicit = true;
        private boolean explicit = true;
        private Duration transitionTime = Duration.ZERO;
        private LongSupplier nanoClock = System::nanoTime;

        /** A group with its initial state and relative target ports. */
        public Builder group(int id, AluaState state, int... relativePorts) {
            return group(id, state, false, relativePorts);
        }

        public Builder group(int id, AluaState state, boolean preferred, int... relativePorts) {
            if (id < 0 || id > 0xFFFF) {
                throw new IllegalArgumentException("target port group id out of range: " + id);
            }
            checkSettable(state);
            List<Integer> ports = new ArrayList<>();
            for (int p : relativePorts) {
                for (Group g : groups.values()) {
                    if (g.ports.contains(p)) {
                        throw new IllegalArgumentException("relative port " + p + " is already in group " + g.id);
                    }
                }
                ports.add(p);
            }
            if (groups.putIfAbsent(id, new Group(id, state, preferred, ports)) != null) {
                throw new IllegalArgumentException("duplicate target port group " + id);
            }
            return this;
        }

        public Builder implicit(boolean on) {
            this.implicit = on;
            return this;
        }

        public Builder explicit(boolean on) {
            this.explicit = on;
            return this;
        }

        /** How long a change stays in TRANSITIONING (zero: changes are immediate). */
        public Builder transitionTime(Duration d) {
            if (d.isNegative() || d.toSeconds() > 0xFF) {
                throw new IllegalArgumentException("transition time must be 0-255 s: " + d);
            }
            this.transitionTime = d;
            return this;
        }

        /** The clock transitions are timed with (tests pass a manual one). */
        public Builder clock(LongSupplier nanos) {
            this.nanoClock = Objects.requireNonNull(nanos);
            return this;
        }

        public TargetPortGroups build() {
            if (groups.isEmpty()) {
                throw new IllegalStateException("no target port group");
            }
            if (!implicit && !explicit) {
                throw new IllegalStateException("ALUA needs implicit or explicit support");
            }
            return new TargetPortGroups(this);
        }
    }

    private static void checkSettable(AluaState s) {
        switch (s) {
            case ACTIVE_OPTIMIZED, ACTIVE_NON_OPTIMIZED, STANDBY, UNAVAILABLE -> { }
            default -> throw new IllegalArgumentException("a group cannot be put in state " + s);
        }
    }

    /** The TPGS field of standard INQUIRY: 1 implicit, 2 explicit, 3 both. */
    public int tpgs() {
        return (implicit ? 1 : 0) | (explicit ? 2 : 0);
    }

    public boolean explicitSupported() {
        return explicit;
    }

    /** Called with the nexus to exclude (null: none) after every state change. */
    void addListener(Consumer<Nexus> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<Nexus> listener) {
        listeners.remove(listener);
    }

    /**
     * Moves a group to {@code state} (active/optimized, active/non-optimized, standby or
     * unavailable), through TRANSITIONING when a transition time is configured. An implicit
     * change: every nexus gets the unit attention.
     */
    public void setState(int groupId, AluaState state) {
        checkSettable(state);
        change(List.of(new SetTargetPortGroupsParameters.Entry(state, groupId)), 2, null, transitionNanos, false);
    }

    /**
     * Moves a group to {@code state} through TRANSITIONING for {@code transition} instead of the
     * configured transition time — also when it is in {@code state} already, so a lab user can
     * make a group transition and come back ({@code mpath lab set … group G transitioning --for 5s}).
     * Zero: at once, as {@link #setState(int, AluaState)} without a transition time.
     */
    public void setState(int groupId, AluaState state, Duration transition) {
        checkSettable(state);
        if (transition.isNegative()) {
            throw new IllegalArgumentException("negative transition time: " + transition);
        }
        change(List.of(new SetTargetPortGroupsParameters.Entry(state, groupId)), 2, null, transition.toNanos(),
                !transition.isZero());
    }

    /** The state a group is heading for: its state, or where its transition ends. */
    public AluaState targetState(int groupId) {
        TargetPortGroup g = group(groupId);
        if (g == null) {
            throw new IllegalArgumentException("no target port group " + groupId);
        }
        return g.target();
    }

    /** A snapshot of one group (with any due transition completed), or null. */
    public TargetPortGroup group(int groupId) {
        for (TargetPortGroup g : groups()) {
            if (g.id() == groupId) {
                return g;
            }
        }
        return null;
    }

    /** Snapshots of every group. */
    public List<TargetPortGroup> groups() {
        List<TargetPortGroup> out = new ArrayList<>();
        boolean changed;
        synchronized (this) {
            changed = !resolve().isEmpty();
            for (Group g : groups.values()) {
                out.add(snapshot(g));
            }
        }
        if (changed) {
            fireOne(null);
        }
        return out;
    }

    private static TargetPortGroup snapshot(Group g) {
        return new TargetPortGroup(g.id, g.state, g.target, g.preferred, g.statusCode, g.ports);
    }

    /**
     * The state a task arriving on {@code nexus} sees: its group's (see {@link #groupOf}); a port
     * in no group counts as active/optimized.
     */
    AluaState stateFor(Nexus nexus) {
        boolean changed;
        AluaState s = AluaState.ACTIVE_OPTIMIZED;
        synchronized (this) {
            changed = !resolve().isEmpty();
            Group g = find(nexus);
            if (g != null) {
                s = g.state;
            }
        }
        if (changed) {
            fireOne(null);
        }
        return s;
    }

    /**
     * The group of the nexus's target port: the group the transport named when it exists, else
     * the group listing the relative port, else the transport's id as it is. VPD 83h reports it.
     */
    synchronized int groupOf(Nexus nexus) {
        Group g = find(nexus);
        return g == null ? nexus.targetPortGroupId() : g.id;
    }

    private Group find(Nexus nexus) {
        Group g = groups.get(nexus.targetPortGroupId());
        if (g != null) {
            return g;
        }
        for (Group x : groups.values()) {
            if (x.ports.contains(nexus.relativeTargetPortId())) {
                return x;
            }
        }
        return null;
    }

    /** REPORT TARGET PORT GROUPS parameter data. */
    ReportTargetPortGroupsData report(boolean extendedHeader) {
        List<TargetPortGroupDescriptor> d = new ArrayList<>();
        for (TargetPortGroup g : groups()) {
            d.add(new TargetPortGroupDescriptor(g.preferred(), g.state().code(), SUPPORTED, g.id(), g.statusCode(), 0,
                    g.relativePorts()));
        }
        int seconds = (int) Math.min(0xFF, (transitionNanos + 999_999_999L) / 1_000_000_000L);
        return new ReportTargetPortGroupsData(extendedHeader, extendedHeader ? seconds : 0, d);
    }

    /**
     * SET TARGET PORT GROUPS from {@code nexus}: all entries are checked before any applies
     * (INVALID FIELD IN PARAMETER LIST for an unknown group or a state that cannot be requested).
     */
    void setExplicit(SetTargetPortGroupsParameters p, Nexus nexus) {
        for (SetTargetPortGroupsParameters.Entry e : p.entries()) {
            AluaState s = AluaState.of(e.stateCode());
            boolean requestable = switch (s) {
                case ACTIVE_OPTIMIZED, ACTIVE_NON_OPTIMIZED, STANDBY, UNAVAILABLE -> true;
                default -> false;
            };
            if (!requestable || !groups.containsKey(e.groupId())) {
                throw TaskFailure.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
            }
        }
        change(p.entries(), 1, nexus, transitionNanos, false);
    }

    private void change(List<SetTargetPortGroupsParameters.Entry> entries, int statusCode, Nexus except,
                        long transition, boolean evenIfUnchanged) {
        List<Nexus> notify;
        synchronized (this) {
            notify = new ArrayList<>(resolve());
            boolean changed = false;
            for (SetTargetPortGroupsParameters.Entry e : entries) {
                Group g = groups.get(e.groupId());
                if (g == null) {
                    throw new IllegalArgumentException("no target port group " + e.groupId());
                }
                AluaState to = e.state();
                if (g.state == to && g.target == to && !evenIfUnchanged) {
                    continue;
                }
                g.statusCode = statusCode;
                g.target = to;
                if (transition > 0) {
                    g.state = AluaState.TRANSITIONING;
                    g.transitionEndsAt = nanoClock.getAsLong() + transition;
                } else {
                    g.state = to;
                }
                changed = true;
            }
            if (changed) {
                notify.add(except == null ? NO_ONE : except);
            }
        }
        fire(notify);
    }

    /** Placeholder meaning "notify every nexus" in the lists built under the lock. */
    private static final Nexus NO_ONE = new Nexus("", "", 1, 0);

    /** Completes the transitions that are due; returns one NO_ONE per completed batch. */
    private List<Nexus> resolve() {
        long now = nanoClock.getAsLong();
        boolean done = false;
        for (Group g : groups.values()) {
            if (g.state == AluaState.TRANSITIONING && now - g.transitionEndsAt >= 0) {
                g.state = g.target;
                done = true;
            }
        }
        return done ? List.of(NO_ONE) : List.of();
    }

    private void fire(List<Nexus> notify) {
        for (Nexus n : notify) {
            fireOne(n == NO_ONE ? null : n);
        }
    }

    private void fireOne(Nexus except) {
        for (Consumer<Nexus> l : listeners) {
            l.accept(except);
        }
    }
}
