package io.mpath4j.lab.proof;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;

import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A path whose {@link #fence()} does nothing: the negative control of the ghost-write proof. With it
 * the engine redrives a write that may still execute at once, and the proof must see the ghost.
 */
final class UnfencedPath implements Path {

    private final Path path;

    UnfencedPath(Path path) {
        this.path = path;
    }

    @Override
    public PathIdentity identity() {
        return path.identity();
    }

    @Override
    public Geometry geometry() {
        return path.geometry();
    }

    @Override
    public AccessState accessState() {
        return path.accessState();
    }

    @Override
    public void submit(IoRequest request, Consumer<IoStatus> completion) {
        path.submit(request, completion);
    }

    @Override
    public CompletionStage<CheckResult> check() {
        return path.check();
    }

    @Override
    public CompletionStage<Void> fence() {
        return CompletableFuture.completedFuture(null); // claims "fenced" without doing anything
    }

    @Override
    public void setEventListener(Consumer<PathEvent> listener) {
        path.setEventListener(listener);
    }

    @Override
    public void close() {
        path.close();
    }
}
