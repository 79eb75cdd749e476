package io.mpath4j.core.select;

/**
 * Chooses one path of the active group for each I/O: the dm path-selector interface
 * (select, start_io, end_io) over the engine's per-path counters.
 *
 * <p>{@link #select} is the hot path: it must not allocate, block or take a lock shared between
 * paths. The candidates array belongs to an immutable topology snapshot and must not be modified.
 * A selector instance is shared by all threads submitting to one device.
 */
public interface PathSelector {

    /**
     * Picks a candidate for an I/O of {@code bytes} bytes.
     *
     * @param candidates usable paths of the active group, never empty
     * @return an index into {@code candidates}
     */
    int select(PathStats[] candidates, long bytes, long nowNanos);

    /** The name and arguments as {@code multipath -ll} prints them, e.g. {@code "round-robin 0"}. */
    String describe();
}
