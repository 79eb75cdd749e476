package io.mpath4j.core.group;

import io.mpath4j.core.path.PathIdentity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The path grouping policies of multipath-tools ({@code libmultipath/pgpolicies.c}). Each constant
 * only says which paths belong together (its grouping key); building and ordering the groups is
 * shared, so every policy honours the same ordering contract of {@link PathGroupingPolicy}.
 */
public enum StandardGroupingPolicy implements PathGroupingPolicy {

    /** One path per group: the engine uses one path at a time and fails over in group order. */
    FAILOVER("failover") {
        @Override
        Object key(PathIdentity id, int priority) {
            // A fresh object never equals another key, so every path gets its own group even if
            // two paths were (wrongly) given the same name.
            return new Object();
        }
    },
    /** All paths in one group: I/O is spread over every usable path. */
    MULTIBUS("multibus") {
        @Override
        Object key(PathIdentity id, int priority) {
            return Boolean.TRUE;
        }
    },
    /** Paths of equal priority together (the usual choice with ALUA/ANA prioritizers). */
    GROUP_BY_PRIO("group_by_prio") {
        @Override
        Object key(PathIdentity id, int priority) {
            return priority;
        }
    },
    /** Paths reporting the same unit serial number (VPD 0x80) together. */
    GROUP_BY_SERIAL("group_by_serial") {
        @Override
        Object key(PathIdentity id, int priority) {
            return id.serial();
        }
    },
    /** Paths to the same target node (iSCSI target name, NQN, server) together. */
    GROUP_BY_NODE_NAME("group_by_node_name") {
        @Override
        Object key(PathIdentity id, int priority) {
            return id.targetNodeName();
        }
    },
    /**
     * Paths in the same ALUA target port group / ANA group together. Paths whose group is unknown
     * (-1) form one group of their own; multipath-tools only selects this policy when every path
     * reports a group, so it has no rule for that case.
     */
    GROUP_BY_TPG("group_by_tpg") {
        @Override
        Object key(PathIdentity id, int priority) {
            return id.targetPortGroup();
        }
    };

    private final String keyword;

    StandardGroupingPolicy(String keyword) {
        this.keyword = keyword;
    }

    /** Which group a path belongs to; paths with equal keys share a group. */
    abstract Object key(PathIdentity id, int priority);

    @Override
    public String keyword() {
        return keyword;
    }

    @Override
    public String toString() {
        return keyword;
    }

    @Override
    public <P> List<List<P>> group(List<P> paths, Function<P, PathIdentity> identity, ToIntFunction<P> priority) {
        Objects.requireNonNull(paths, "paths");
        List<Member<P>> members = new ArrayList<>(paths.size());
        for (P p : paths) {
            PathIdentity id = Objects.requireNonNull(identity.apply(Objects.requireNonNull(p, "path")), "identity");
            // Each priority is asked for once: a prioritizer may be costly or change between calls.
            members.add(new Member<>(p, id, priority.applyAsInt(p)));
        }
        // Sorting members first makes each group's paths, and its first name, come out by name.
        members.sort(Comparator.comparing(m -> m.id.name()));

        Map<Object, Group<P>> byKey = new LinkedHashMap<>();
        for (Member<P> m : members) {
            byKey.computeIfAbsent(key(m.id, m.priority), k -> new Group<>()).add(m);
        }
        List<Group<P>> groups = new ArrayList<>(byKey.values());
        groups.sort(Group.ORDER);

        List<List<P>> result = new ArrayList<>(groups.size());
        for (Group<P> g : groups) {
            result.add(g.paths());
        }
        return List.copyOf(result);
    }

    private record Member<P>(P path, PathIdentity id, int priority) {}

    /** Members of one group, in name order, and the sum of their priorities. */
    private static final class Group<P> {
        /**
         * Descending average priority (multipath-tools' path group priority is the mean over its
         * enabled paths), compared exactly as sumA/nA vs sumB/nB by cross-multiplying, then by the
         * name of the first path.
         */
        static final Comparator<Group<?>> ORDER = ((Comparator<Group<?>>) (a, b) ->
                        Long.compare(b.sum * a.members.size(), a.sum * b.members.size()))
                .thenComparing(g -> g.members.getFirst().id.name());

        final List<Member<P>> members = new ArrayList<>();
        long sum;

        void add(Member<P> m) {
            members.add(m);
            sum += m.priority;
        }

        List<P> paths() {
            List<P> out = new ArrayList<>(members.size());
            for (Member<P> m : members) {
                out.add(m.path);
            }
            return List.copyOf(out);
        }
    }
}
