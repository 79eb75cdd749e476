package io.mpath4j.core.path;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The service provider interface a transport implements: one route (I_T nexus, connection) to one
 * logical unit. This is the shape of the dm path plus the checker of multipath-tools.
 *
 * <p>Contract for {@link #submit}:
 * <ul>
 *   <li>it never blocks and never throws for an I/O failure; the outcome arrives through
 *       {@code completion} exactly once, on any thread;</li>
 *   <li>every failure is classified into an {@link IoStatus.Failure} before it is delivered;</li>
 *   <li>once {@code completion} runs the path no longer touches the request's buffer, so the
 *       engine may redrive it or hand it back to the caller. A transport that gives up on a
 *       request (its own timeout) must first make sure no late data lands in the buffer, e.g.
 *       by tearing the connection down;</li>
 *   <li>transports own their per-request timeouts: the engine never abandons an attempt.</li>
 * </ul>
 */
public interface Path extends AutoCloseable {

    PathIdentity identity();

    /** Size and block sizes as this path reports them. */
    Geometry geometry();

    /** The last access state the transport knows (from discovery, checks or events). */
    AccessState accessState();

    /** Sends one request; see the class contract. */
    void submit(IoRequest request, Consumer<IoStatus> completion);

    /**
     * Runs the path checker (TEST UNIT READY, a small read, a NOP). Must complete; the monitor
     * also bounds it with its own timeout and treats a late answer as {@link CheckerState#TIMEOUT}.
     */
    CompletionStage<CheckResult> check();

    /**
     * Makes sure no command sent earlier on this path can still reach the medium, so a write that
     * failed with {@link IoStatus.PathError#mayStillExecute()} can be redriven elsewhere without
     * a ghost write. iSCSI aborts the task or reinstates the session; a transport that cannot
     * confirm waits out its fencing delay. Completes exceptionally only when fencing is
     * impossible, in which case the engine fails the write rather than risk a ghost write.
     */
    default CompletionStage<Void> fence() {
        return CompletableFuture.completedFuture(null);
    }

    /** Registers the single consumer of this path's events (the device that owns it). */
    void setEventListener(Consumer<PathEvent> listener);

    /** Releases the connection. Outstanding requests complete (with a path error if need be). */
    @Override
    void close();
}
