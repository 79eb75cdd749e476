package io.mpath4j.core.group;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathStats;

/**
 * {@code prio alua}: the priority follows the asymmetric access state of the path's target port
 * group (SPC-4 §5.15.2, REPORT TARGET PORT GROUPS), with the values of multipath-tools'
 * {@code libmultipath/prioritizers/alua.c}: active/optimized 50, active/non-optimized 10,
 * standby 1, unavailable, offline and transitioning 0.
 *
 * <p>Not modelled: the LBA-dependent state (multipath-tools gives it 5; {@link AccessState} has no
 * such value) and the PREF bit (+80 in multipath-tools), because transports report no preferred
 * flag yet. The {@code exclusive_pref_bit} argument is therefore accepted for configuration
 * compatibility but has no effect.
 */
public final class AluaPrioritizer implements Prioritizer {

    public static final int OPTIMIZED = 50;
    public static final int NON_OPTIMIZED = 10;
    public static final int STANDBY = 1;
    public static final int NOT_ACCESSIBLE = 0;

    static final String EXCLUSIVE_PREF_BIT = "exclusive_pref_bit";

    private final boolean exclusivePrefBit;

    public AluaPrioritizer() {
        this(false);
    }

    public AluaPrioritizer(boolean exclusivePrefBit) {
        this.exclusivePrefBit = exclusivePrefBit;
    }

    /** Accepts {@code ""} or {@code "exclusive_pref_bit"}, the only argument multipath-tools knows. */
    static AluaPrioritizer parse(String args) {
        return switch (args) {
            case "" -> new AluaPrioritizer(false);
            case EXCLUSIVE_PREF_BIT -> new AluaPrioritizer(true);
            default -> throw new IllegalArgumentException(
                    "prio alua: unknown prio_args '" + args + "'; valid: \"\" or \"" + EXCLUSIVE_PREF_BIT + "\"");
        };
    }

    @Override
    public int priority(PathIdentity identity, AccessState accessState, PathStats stats) {
        return switch (accessState) {
            case OPTIMIZED -> OPTIMIZED;
            case NON_OPTIMIZED -> NON_OPTIMIZED;
            case STANDBY -> STANDBY;
            case UNAVAILABLE, TRANSITIONING, OFFLINE -> NOT_ACCESSIBLE;
        };
    }

    @Override
    public String describe() {
        return exclusivePrefBit ? "alua " + EXCLUSIVE_PREF_BIT : "alua";
    }

    @Override
    public String toString() {
        return describe();
    }
}
