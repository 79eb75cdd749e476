package io.mpath4j.core.path;

/**
 * Asymmetric access state of a path to a unit, in the vocabulary of SPC-4 ALUA (§5.15.2) and
 * NVMe ANA; transports without such a notion report {@link #OPTIMIZED}.
 */
public enum AccessState {
    OPTIMIZED("active/optimized"),
    NON_OPTIMIZED("active/non-optimized"),
    STANDBY("standby"),
    UNAVAILABLE("unavailable"),
    /** Changing between states; I/O gets "retry later" until it settles (SPC-4 ASC 04h/0Ah). */
    TRANSITIONING("transitioning"),
    /** The port is gone (ALUA offline, ANA persistent loss). */
    OFFLINE("offline");

    private final String label;

    AccessState(String label) {
        this.label = label;
    }

    /** True when I/O sent down a path in this state is expected to be serviced. */
    public boolean acceptsIo() {
        return this == OPTIMIZED || this == NON_OPTIMIZED;
    }

    /** The name administrators know from {@code multipath -ll} and sg_rtpg. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
