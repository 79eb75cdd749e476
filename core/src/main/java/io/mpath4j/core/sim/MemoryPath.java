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
 * A path to an in-memory disk that completes every request inline, on the submitting thread: the
 * fastest real-data backend there is, for benchmarks of an export (ours against {@code nbdkit
 * memory}) and for demos. Unlike {@link SimulatedPath} it has no latency model and no faults;
 * unlike {@link NullPath} it moves data.
 */
public final class MemoryPath implements Path {

    private static final CompletionStage<CheckResult> READY =
            CompletableFuture.completedStage(CheckResult.ready(AccessState.OPTIMIZED));
    private static final IoStatus CLOSED = new IoStatus.PathError("path closed", false);

    private final PathIdentity identity;
    private final SimulatedMedium medium;
    private volatile boolean closed;

    public MemoryPath(PathIdentity identity, SimulatedMedium medium) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.medium = Objects.requireNonNull(medium, "medium");
    }

    @Override
    public PathIdentity identity() {
        return identity;
    }

    @Override
    public Geometry geometry() {
        return medium.geometry();
    }

    @Override
    public AccessState accessState() {
        return AccessState.OPTIMIZED;
    }

    @Override
    public void submit(IoRequest request, Consumer<IoStatus> completion) {
        if (closed) {
            completion.accept(CLOSED);
            return;
        }
        switch (request) {
            case IoRequest.Read r -> medium.read(r.offset(), r.buffer());
            case IoRequest.Write w -> medium.write(w.offset(), w.buffer());
            case IoRequest.WriteZeroes z -> medium.zero(z.offset(), z.length());
            case IoRequest.Discard d -> medium.zero(d.offset(), d.length());
            case IoRequest.Flush f -> { } // memory is as durable as it gets
        }
        completion.accept(IoStatus.OK);
    }

    @Override
    public CompletionStage<CheckResult> check() {
        return closed ? CompletableFuture.completedStage(CheckResult.faulty("path closed")) : READY;
    }

    @Override
    public void setEventListener(Consumer<PathEvent> listener) {
        // A memory path never changes state on its own.
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "MemoryPath[" + identity.name() + "]";
    }
}
