package io.mpath4j.core.device;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A path whose every answer the test decides: requests are captured and completed by the test
 * (or at once with {@link #autoOk}), checker results and fencing are set by hand.
 */
final class ScriptedPath implements Path {

    record Submitted(IoRequest request, Consumer<IoStatus> completion) {
        void complete(IoStatus status) {
            completion.accept(status);
        }
    }

    private final PathIdentity identity;
    private final Geometry geometry;
    private volatile AccessState access;
    private Consumer<PathEvent> listener = e -> {};
    final List<Submitted> pending = new ArrayList<>();
    final List<IoRequest> history = new ArrayList<>();
    volatile boolean autoOk = true;
    volatile CheckResult checkResult;
    CompletableFuture<Void> fence = CompletableFuture.completedFuture(null);
    int fenceCalls;
    int checks;
    /** When set, checks stay unanswered in {@link #heldChecks} until the test completes them. */
    volatile boolean holdChecks;
    final List<CompletableFuture<CheckResult>> heldChecks = new ArrayList<>();
    boolean closed;

    ScriptedPath(String name, String wwid, int tpg, AccessState access) {
        this.identity = new PathIdentity(name, wwid, "MPATH4J", "SCRIPTED", "1", "serial-" + wwid, tpg, "node-" + tpg);
        this.geometry = new Geometry(1 << 20, 512, 512, 0);
        this.access = access;
        this.checkResult = CheckResult.ready(access);
    }

    static ScriptedPath of(String name) {
        return new ScriptedPath(name, "36001405deadbeef", -1, AccessState.OPTIMIZED);
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
        return access;
    }

    @Override
    public synchronized void submit(IoRequest request, Consumer<IoStatus> completion) {
        history.add(request);
        if (autoOk) {
            completion.accept(IoStatus.OK);
        } else {
            pending.add(new Submitted(request, completion));
        }
    }

    /** Completes every captured request with {@code status}, oldest first. */
    void completeAll(IoStatus status) {
        List<Submitted> now;
        synchronized (this) {
            now = new ArrayList<>(pending);
            pending.clear();
        }
        now.forEach(s -> s.complete(status));
    }

    synchronized int submittedCount() {
        return history.size();
    }

    @Override
    public CompletionStage<CheckResult> check() {
        checks++;
        if (holdChecks) {
            CompletableFuture<CheckResult> held = new CompletableFuture<>();
            heldChecks.add(held);
            return held;
        }
        return CompletableFuture.completedFuture(checkResult);
    }

    @Override
    public CompletionStage<Void> fence() {
        fenceCalls++;
        return fence;
    }

    @Override
    public void setEventListener(Consumer<PathEvent> listener) {
        this.listener = listener;
    }

    void emit(PathEvent e) {
        listener.accept(e);
    }

    void setAccess(AccessState a) {
        access = a;
        checkResult = a.acceptsIo() ? CheckResult.ready(a) : new CheckResult(CheckerState.GHOST, a, "not accessible");
    }

    @Override
    public void close() {
        closed = true;
        completeAll(new IoStatus.PathError("closed", false));
    }
}
