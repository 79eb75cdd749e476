package io.mpath4j.core.group;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathStats;

/**
 * {@code prio ana}: the priority follows the NVMe Asymmetric Namespace Access state, with the
 * values of multipath-tools' {@code libmultipath/prioritizers/ana.c}: optimized 50,
 * non-optimized 10, inaccessible ({@link AccessState#UNAVAILABLE}) and change
 * ({@link AccessState#TRANSITIONING}) 1, persistent loss ({@link AccessState#OFFLINE}) 0.
 *
 * <p>ana.c explains the 1 for inaccessible and change: ANA has no explicit state management, so
 * such a path may come back on its own, like an ALUA standby path; persistent loss is below
 * everything. ANA has no standby state; a path reporting {@link AccessState#STANDBY} (only an ALUA
 * transport would) is treated like inaccessible, for the same reason.
 */
public final class AnaPrioritizer implements Prioritizer {

    public static final AnaPrioritizer INSTANCE = new AnaPrioritizer();

    public static final int OPTIMIZED = 50;
    public static final int NON_OPTIMIZED = 10;
    public static final int INACCESSIBLE = 1;
    public static final int PERSISTENT_LOSS = 0;

    private AnaPrioritizer() {}

    @Override
    public int priority(PathIdentity identity, AccessState accessState, PathStats stats) {
        return switch (accessState) {
            case OPTIMIZED -> OPTIMIZED;
            case NON_OPTIMIZED -> NON_OPTIMIZED;
            case UNAVAILABLE, TRANSITIONING, STANDBY -> INACCESSIBLE;
            case OFFLINE -> PERSISTENT_LOSS;
        };
    }

    @Override
    public String describe() {
        return "ana";
    }

    @Override
    public String toString() {
        return describe();
    }
}
