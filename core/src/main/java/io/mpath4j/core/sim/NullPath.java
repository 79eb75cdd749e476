package io.mpath4j.core.sim;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A path that completes every request at once, inline on the submitting thread, with OK and
 * without touching any data: what is left to measure is the engine's own overhead per I/O. After
 * {@link #close()} requests fail with a path error, as the Path contract asks.
 */
public final class NullPath implements Path {

    private static final CompletionStage<CheckResult> READY =
            CompletableFuture.completedStage(CheckResult.ready(AccessState.OPTIMIZED));
    private static final IoStatus CLOSED = new IoStatus.PathError("path closed", false);

    private final PathIdentity identity;
    private final Geometry geometry;
    private volatile boolean closed;

    public NullPath(PathIdentity identity, Geometry geometry) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.geometry = Objects.requireNonNull(geometry, "geometry");
    }

    @Override
    public PathIdentity identity() {
        return identity;
    }

    @Override
    public Geometry geometry() {
        return geometry;
    }

    @Override
    public AccessState accessState() {
        return AccessState.OPTIMIZED;
    }

    @Override
    public void submit(IoRequest request, Consumer<IoStatus> completion) {
        completion.accept(closed ? CLOSED : IoStatus.OK);
    }

    @Override
    public CompletionStage<CheckResult> check() {
        return closed ? CompletableFuture.completedStage(CheckResult.faulty("path closed")) : READY;
    }

    @Override
    public void setEventListener(Consumer<PathEvent> listener) {
        // Nothing ever happens on a null path.
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "NullPath[" + identity.name() + "]";
    }
}
