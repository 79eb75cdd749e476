package io.mpath4j.core.device;

import io.mpath4j.core.monitor.PathMonitor;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathStats;
import io.mpath4j.core.time.TimeSource;
import java.util.ArrayDeque;

/**
 * A path as one device owns it. {@link #path} and {@link #stats} are shared with the I/O path;
 * every other field is read and written only on the device's serial executor.
 */
final class PathSlot {

    final Path path;
    final PathStats stats;
    final PathIdentity identity;

    boolean failed;
    String failReason = "";
    boolean adminFailed;
    CheckerState checker = CheckerState.UNCHECKED;
    AccessState access;
    int priority;

    /** Engine times of recent failures, oldest first, for flap damping. */
    final ArrayDeque<Long> recentFailures = new ArrayDeque<>();
    int holdLevel;
    /** The last failure reached the flap threshold: hold the path out once it recovers. */
    boolean holdPending;
    long heldUntilNanos;
    TimeSource.Cancellable holdTimer = TimeSource.Cancellable.NONE;
    PathMonitor.Watch watch = PathMonitor.Watch.NONE;
    boolean removed;
    /**
     * Engine time of the last evidence that the path failed (connection loss, I/O path error) and
     * of the last access-state notice: a check sent before it describes an older state and must
     * not undo it.
     */
    long failureSeenNanos = Long.MIN_VALUE;
    long accessNoticeNanos = Long.MIN_VALUE;

    PathSlot(Path path) {
        this.path = path;
        this.identity = path.identity();
        this.stats = new PathStats(identity.name());
        this.access = path.accessState();
    }

    String name() {
        return identity.name();
    }

    boolean usable() {
        return !failed && !adminFailed && !removed && access.acceptsIo();
    }

    PathView view() {
        String reason = adminFailed ? "failed by administrator" : failReason;
        return new PathView(identity, failed || adminFailed, reason, adminFailed, checker, access, priority, heldUntilNanos);
    }
}
