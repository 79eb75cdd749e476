package io.mpath4j.core.device;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One caller I/O on its way through the engine, across redrives. It is its own completion
 * callback for the path it is on, so an attempt costs one allocation besides the future.
 */
final class IoAttempt implements Consumer<IoStatus> {

    final IoRequest request;
    final CompletableFuture<IoStatus> future = new CompletableFuture<>();
    final long length;
    /** Engine time after which no new attempt starts; Long.MAX_VALUE when there is no deadline. */
    final long deadlineNanos;
    private final MultipathDevice device;

    /** False for the per-path parts of a flush fan-out: only the caller's I/O is counted. */
    final boolean counted;
    /** A flush part bound to one path: it goes there first, not through the selector. */
    PathSlot pinned;
    /** Acknowledged writes of the current path when this attempt was sent to it (what a flush covers). */
    long slotWritesAtStart;

    /** Set before each submission to a path; read by that path's completion. */
    PathSlot slot;
    long startNanos;
    int redrives;
    /** Describes the last failed attempt, for the final error. */
    String lastFailure = "";

    IoAttempt(MultipathDevice device, IoRequest request, long deadlineNanos) {
        this(device, request, deadlineNanos, true);
    }

    IoAttempt(MultipathDevice device, IoRequest request, long deadlineNanos, boolean counted) {
        this.device = device;
        this.counted = counted;
        this.request = request;
        this.length = request.length();
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void accept(IoStatus status) {
        device.onPathCompletion(this, slot, status);
    }

    void finish(IoStatus status) {
        future.complete(status);
    }

    /** Bytes this I/O pins in memory while queued (its payload; 0 for a flush or discard). */
    long queuedBytes() {
        return switch (request) {
            case IoRequest.Read r -> r.length();
            case IoRequest.Write w -> w.length();
            default -> 0;
        };
    }
}
