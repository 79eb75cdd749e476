package io.mpath4j.core.select;

/**
 * Where a selector starts its scan over the candidates, so that ties (typically several idle
 * paths) are broken in turn instead of always in favour of the first path. dm-queue-length and
 * dm-historical-service-time get the same effect by moving the chosen path to the tail of their
 * list under a spinlock; we have no list to reorder and take no lock.
 *
 * <p>The counter is a plain field on purpose: a lost or repeated increment under a race only
 * changes which of two equally good paths wins once, and an atomic here would be the one write
 * to shared memory on every I/O, contended by every submitting thread.
 */
final class Rotation {

    private int next;

    /** A start index in {@code [0, n)} that moves on by one per call (modulo races). */
    int start(int n) {
        int s = next++;
        return Math.floorMod(s, n);
    }
}
