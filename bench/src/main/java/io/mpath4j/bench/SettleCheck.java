package io.mpath4j.bench;

import io.mpath4j.core.device.GroupView;
import io.mpath4j.core.device.Topology;
import io.mpath4j.core.group.AluaPrioritizer;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.sim.SimulatedPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a device's published topology with the state its simulated paths are really in, once
 * the storm is over. What must hold after settling, for the configuration of {@link ScaleFleet}:
 *
 * <ul>
 *   <li>every path is listed once; it is failed exactly when its connection is down; its access
 *       state is the path's own and its priority the alua value of that state;
 *   <li>group_by_prio: the members of a group share one priority, groups are ordered best first;
 *   <li>failback immediate: the active group is the best group with a usable path (none when no
 *       path is usable) and routes to exactly its usable paths.
 * </ul>
 *
 * Not compared: the checker column. It is the last checker verdict, refreshed at the polling
 * period (5 s, backing off to 20 s while ready), so a path whose access changed by event shows the
 * old verdict until its next check; that is the checker's schedule, not a state the engine owes.
 */
final class SettleCheck {

    private static final AluaPrioritizer ALUA = new AluaPrioritizer();

    private SettleCheck() {}

    /** Returns what is wrong with {@code t}, or an empty list when it reflects {@code paths}. */
    static List<String> mismatches(Topology t, SimulatedPath[] paths) {
        List<String> wrong = new ArrayList<>();
        Map<String, SimulatedPath> byName = new HashMap<>();
        for (SimulatedPath p : paths) {
            byName.put(p.identity().name(), p);
        }
        int listed = 0;
        int bestUsablePriority = -1;
        int previousGroupPriority = Integer.MAX_VALUE;
        for (GroupView g : t.groups()) {
            if (g.priority() > previousGroupPriority) {
                wrong.add("groups not ordered best first: " + g.priority() + " after " + previousGroupPriority);
            }
            previousGroupPriority = g.priority();
            if (g.usablePaths() > 0) {
                bestUsablePriority = Math.max(bestUsablePriority, g.priority());
            }
            if (g.paths().stream().mapToInt(v -> v.priority()).distinct().count() > 1) {
                wrong.add("group mixes priorities: " + g);
            }
            for (var v : g.paths()) {
                listed++;
                SimulatedPath p = byName.get(v.name());
                if (p == null) {
                    wrong.add("unknown path " + v.name());
                    continue;
                }
                AccessState access = p.accessState();
                if (v.failed() != p.isDown()) {
                    wrong.add(v.name() + " shows " + v.dmState() + " (" + v.failReason() + ") but its connection is "
                            + (p.isDown() ? "down" : "up"));
                }
                if (v.access() != access) {
                    wrong.add(v.name() + " shows [" + v.access() + "] but the port is [" + access + "]");
                }
                if (v.priority() != aluaPriority(access)) {
                    wrong.add(v.name() + " has prio " + v.priority() + ", alua gives " + aluaPriority(access));
                }
            }
        }
        if (listed != paths.length) {
            wrong.add("lists " + listed + " paths, expected " + paths.length);
        }
        checkActiveGroup(t, bestUsablePriority, wrong);
        return wrong;
    }

    private static void checkActiveGroup(Topology t, int bestUsablePriority, List<String> wrong) {
        int active = t.activeGroup();
        if (bestUsablePriority < 0) {
            if (active >= 0 || t.usablePathCount() != 0) {
                wrong.add("no usable path, yet group " + active + " is active with " + t.usablePathCount() + " routes");
            }
            return;
        }
        if (active < 0) {
            wrong.add("a path is usable but no group is active");
            return;
        }
        GroupView g = t.groups().get(active);
        if (g.priority() != bestUsablePriority) {
            wrong.add("active group has prio " + g.priority() + ", best usable group has " + bestUsablePriority);
        }
        if (g.usablePaths() != t.usablePathCount()) {
            wrong.add("active group has " + g.usablePaths() + " usable paths, routes to " + t.usablePathCount());
        }
    }

    /**
     * The invariants every snapshot must satisfy at any moment, storm or not (snapshots are
     * published whole): the active group, if any, is marked active and routes to exactly its usable
     * paths. Cheap enough for the reader to check after each timed read.
     */
    static boolean internallyConsistent(Topology t) {
        int active = t.activeGroup();
        if (active < 0) {
            return t.usablePathCount() == 0;
        }
        GroupView g = t.groups().get(active);
        return g.status() == GroupView.Status.ACTIVE && g.usablePaths() == t.usablePathCount();
    }

    /** The alua value of a state (the prioritizer ignores identity and statistics). */
    private static int aluaPriority(AccessState s) {
        return ALUA.priority(null, s, null);
    }
}
