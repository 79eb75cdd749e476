package io.mpath4j.core.device;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.select.PathSelector;
import io.mpath4j.core.select.PathStats;
import java.util.List;

/**
 * An immutable snapshot of one device: what {@code show topology} prints, and the routing table
 * the I/O path reads. A device publishes a new snapshot through one atomic reference after every
 * state change; readers never wait and never see a half-applied change.
 */
public final class Topology {

    private final String name;
    private final String wwid;
    private final Geometry geometry;
    private final List<GroupView> groups;
    private final int activeGroup;
    private final String selectorDescription;
    private final String queueMode;
    private final long version;

    // Routing table of the active group: parallel arrays so that selection allocates nothing.
    final PathSlot[] routeSlots;
    final PathStats[] routeStats;
    final PathSelector selector;
    /** Usable paths of every group: where a flush must also go if they hold unflushed writes. */
    final PathSlot[] usableSlots;
    /** Every path's statistics, in {@link #paths()} order of the slots: what metrics read. */
    private final List<PathStats> allStats;

    Topology(String name, String wwid, Geometry geometry, List<GroupView> groups, int activeGroup,
             PathSelector selector, String queueMode, long version, PathSlot[] routeSlots, PathSlot[] usableSlots,
             List<PathStats> allStats) {
        this.name = name;
        this.wwid = wwid;
        this.geometry = geometry;
        this.groups = List.copyOf(groups);
        this.activeGroup = activeGroup;
        this.selector = selector;
        this.selectorDescription = selector.describe();
        this.queueMode = queueMode;
        this.version = version;
        this.routeSlots = routeSlots;
        this.usableSlots = usableSlots;
        this.allStats = List.copyOf(allStats);
        this.routeStats = new PathStats[routeSlots.length];
        for (int i = 0; i < routeSlots.length; i++) {
            routeStats[i] = routeSlots[i].stats;
        }
    }

    public String name() {
        return name;
    }

    public String wwid() {
        return wwid;
    }

    public Geometry geometry() {
        return geometry;
    }

    /** Path groups, best first. */
    public List<GroupView> groups() {
        return groups;
    }

    /** Index into {@link #groups()} of the group receiving I/O, or -1 when no path is usable. */
    public int activeGroup() {
        return activeGroup;
    }

    /** The path selector as {@code multipath -ll} prints it. */
    public String selectorDescription() {
        return selectorDescription;
    }

    /** "queue_if_no_path", "fail", or the remaining no_path_retry budget. */
    public String queueMode() {
        return queueMode;
    }

    /** Increases with every published change. */
    public long version() {
        return version;
    }

    /** Every path of the device, group by group. */
    public List<PathView> paths() {
        return groups.stream().flatMap(g -> g.paths().stream()).toList();
    }

    /** Live statistics of every path (counters keep moving after the snapshot was taken). */
    public List<PathStats> pathStats() {
        return allStats;
    }

    /** Number of paths I/O can be routed to right now. */
    public int usablePathCount() {
        return routeSlots.length;
    }
}
