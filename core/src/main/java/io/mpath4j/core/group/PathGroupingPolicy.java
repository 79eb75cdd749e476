package io.mpath4j.core.group;

import io.mpath4j.core.path.PathIdentity;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/** How paths of one unit are put into path groups (multipath.conf {@code path_grouping_policy}). */
public interface PathGroupingPolicy {

    /**
     * Splits {@code paths} into groups. Every path lands in exactly one group; the result and each
     * group are ordered deterministically (groups by descending priority, then by first path name;
     * paths by name) so that the same input always gives the same topology.
     */
    <P> List<List<P>> group(List<P> paths, Function<P, PathIdentity> identity, ToIntFunction<P> priority);

    /** The keyword as multipath.conf spells it, e.g. {@code "group_by_prio"}. */
    String keyword();
}
