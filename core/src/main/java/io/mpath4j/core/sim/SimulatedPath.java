package io.mpath4j.core.sim;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.time.TimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A path to a {@link SimulatedMedium}, programmable at run time: latency, jitter, bandwidth,
 * access state, injected failures, connection loss. It is a fixture for engine tests, the demo and
 * benchmarks of the engine itself; it is no evidence that any real transport behaves this way.
 *
 * <p>Timing. Every completion, check result and fence is delivered through the {@link TimeSource}
 * ({@code schedule(task, delay)}), never inline: with zero latency through {@code schedule(task, 0)}.
 * So a completion never runs inside {@link #submit} (no re-entrancy into the engine), and with a
 * {@link io.mpath4j.core.time.ManualTimeSource} a test decides when it happens ({@code runDue()},
 * {@code advance(..)}). Events are emitted inline, on the thread that changes the state.
 *
 * <p>Outcome. A request's outcome is decided when it is submitted, from the state in force then
 * (down, failure mode, access state, range); its data moves when it completes: a read fills its
 * buffer and a write reaches the medium only at completion time, so requests with different
 * latencies reorder as they can on a real target. A request failed by {@link #setDown} or
 * {@link #close} before its completion time never touches the medium (the simulated target drops
 * the commands of a dead connection), so such failures report {@code mayStillExecute=false} and
 * need no fencing.
 *
 * <p>Ghost writes. A request caught by {@link FailureMode#HANG} is held without an answer. When the
 * hang ends (mode change, down, close) it completes with {@code PathError(mayStillExecute=true)}:
 * the target may still execute it. A hung write is then kept as a <em>ghost write</em>: a copy of
 * its data that lands on the medium later — when the test calls {@link #applyGhostWrites()}, or by
 * itself after {@link #setGhostWriteDelay} — unless {@link #fence()} discards it first. Once the
 * fence completes, no ghost of this path can land any more: the rule the engine relies on before
 * it redrives such a write elsewhere.
 */
public final class SimulatedPath implements Path {

    /** What a transitioning path answers (SPC-4 NOT READY, 04h/0Ah); the engine retries after this. */
    public static final Duration TRANSITIONING_RETRY = Duration.ofMillis(100);

    private final PathIdentity identity;
    private final SimulatedMedium medium;
    private final TimeSource time;
    private final long seed;
    private final Random random;

    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private volatile long bytesPerSecond;
    /** When the simulated link has sent everything queued so far (bandwidth model). */
    private final AtomicLong linkFreeAt = new AtomicLong(Long.MIN_VALUE);
    private volatile AccessState accessState = AccessState.OPTIMIZED;
    private volatile Consumer<PathEvent> listener;
    private volatile Duration fenceDelay = Duration.ZERO;
    private volatile boolean fenceImpossible;
    private volatile Duration ghostWriteDelay;

    // Guarded by this.
    private FailureMode failureMode = FailureMode.NONE;
    private long requestsInMode;
    private boolean down;
    private boolean closed;
    private final List<Op> hung = new ArrayList<>();
    private final List<CompletableFuture<CheckResult>> hungChecks = new ArrayList<>();
    private final List<Ghost> ghosts = new ArrayList<>();

    private final Set<Op> scheduled = ConcurrentHashMap.newKeySet();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong ghostsApplied = new AtomicLong();
    private final AtomicLong ghostsDiscarded = new AtomicLong();

    /** A path with no latency, unlimited bandwidth, optimized access and seed 0 for the jitter. */
    public SimulatedPath(PathIdentity identity, SimulatedMedium medium, TimeSource time) {
        this(identity, medium, time, 0);
    }

    /** @param seed seeds the jitter generator; tests print it (see {@link #toString()}) when they fail */
    public SimulatedPath(PathIdentity identity, SimulatedMedium medium, TimeSource time, long seed) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.medium = Objects.requireNonNull(medium, "medium");
        this.time = Objects.requireNonNull(time, "time");
        this.seed = seed;
        this.random = new Random(seed);
    }

    // ---------------------------------------------------------------- programming

    /** Fixed one-way service latency of every request and check. */
    public void setLatency(Duration latency) {
        latencyNanos = nonNegative(latency, "latency");
    }

    /** Adds a uniformly random extra delay in [0, jitter] from the seeded generator. */
    public void setJitter(Duration jitter) {
        jitterNanos = nonNegative(jitter, "jitter");
    }

    /**
     * Limits the data rate of reads and writes; 0 means unlimited. Transfers share one link and
     * queue behind each other, so the limit holds for the aggregate, not only per request.
     */
    public void setBandwidth(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("negative bandwidth");
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Changes the access state and emits {@link PathEvent.AccessStateChanged} (an ALUA/ANA change notice). */
    public void setAccessState(AccessState state) {
        setAccessState(state, true);
    }

    /** Changes the access state; without {@code notify} only a check or an I/O reveals it. */
    public void setAccessState(AccessState state, boolean notify) {
        Objects.requireNonNull(state, "state");
        AccessState old = accessState;
        accessState = state;
        if (notify && old != state) {
            emit(new PathEvent.AccessStateChanged(state));
        }
    }

    /** Sets the fault injected from now on; leaving {@link FailureMode#HANG} releases the hung requests. */
    public void setFailureMode(FailureMode mode) {
        Objects.requireNonNull(mode, "mode");
        List<Op> released = List.of();
        List<CompletableFuture<CheckResult>> checks = List.of();
        synchronized (this) {
            FailureMode old = failureMode;
            failureMode = mode;
            requestsInMode = 0;
            if (old instanceof FailureMode.Hang && !(mode instanceof FailureMode.Hang)) {
                released = takeHungLeavingGhosts();
                checks = drain(hungChecks);
            }
        }
        deliverReleased(released, "target answered after hanging");
        failChecks(checks, "check hung");
    }

    public synchronized FailureMode failureMode() {
        return failureMode;
    }

    /**
     * Cuts the connection: emits {@link PathEvent.ConnectionLost}, then fails every request in
     * flight and every new one with a path error until {@link #setUp()}.
     */
    public void setDown(String reason) {
        Objects.requireNonNull(reason, "reason");
        List<Op> inFlight;
        List<Op> released;
        List<CompletableFuture<CheckResult>> checks;
        synchronized (this) {
            if (down) {
                return;
            }
            down = true;
            inFlight = claimScheduled();
            released = takeHungLeavingGhosts();
            checks = drain(hungChecks);
        }
        emit(new PathEvent.ConnectionLost(reason));
        IoStatus lost = new IoStatus.PathError("connection lost: " + reason, false);
        for (Op op : inFlight) {
            deliverSoon(op, lost);
        }
        deliverReleased(released, "connection lost while the target did not answer: " + reason);
        failChecks(checks, "connection lost: " + reason);
    }

    /** Restores the connection and emits {@link PathEvent.ConnectionRestored}. */
    public void setUp() {
        synchronized (this) {
            if (!down || closed) {
                return;
            }
            down = false;
        }
        emit(new PathEvent.ConnectionRestored());
    }

    public synchronized boolean isDown() {
        return down;
    }

    /** How long {@link #fence()} takes when it has something to discard (the fencing delay). */
    public void setFenceDelay(Duration delay) {
        nonNegative(delay, "fence delay");
        fenceDelay = delay;
    }

    /** Makes {@link #fence()} fail, as a transport that cannot confirm an abort would. */
    public void setFenceImpossible(boolean impossible) {
        fenceImpossible = impossible;
    }

    /** Ghost writes land by themselves this long after they were created; {@code null}: only via {@link #applyGhostWrites()}. */
    public void setGhostWriteDelay(Duration delay) {
        if (delay != null) {
            nonNegative(delay, "ghost write delay");
        }
        ghostWriteDelay = delay;
    }

    /** Lets every pending ghost write land on the medium now (the late command arrives); returns how many. */
    public synchronized int applyGhostWrites() {
        int n = 0;
        for (Ghost g : drain(ghosts)) {
            g.apply(medium);
            ghostsApplied.incrementAndGet();
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- counters

    public long submittedCount() {
        return submitted.get();
    }

    public long completedCount() {
        return completed.get();
    }

    /** Requests submitted and not completed yet (scheduled or hung). */
    public synchronized int inFlightCount() {
        return scheduled.size() + hung.size();
    }

    public synchronized int hungCount() {
        return hung.size();
    }

    public synchronized int pendingGhostWrites() {
        return ghosts.size();
    }

    public long ghostWritesApplied() {
        return ghostsApplied.get();
    }

    public long ghostWritesDiscarded() {
        return ghostsDiscarded.get();
    }

    public SimulatedMedium medium() {
        return medium;
    }

    // ---------------------------------------------------------------- Path

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
        return accessState;
    }

    @Override
    public void submit(IoRequest request, Consumer<IoStatus> completion) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(completion, "completion");
        submitted.incrementAndGet();
        Op op = new Op(request, completion);
        synchronized (this) {
            if (closed) {
                failSoon(op, new IoStatus.PathError("path closed", false));
                return;
            }
            if (down) {
                failSoon(op, new IoStatus.PathError("connection lost", false));
                return;
            }
            if (failureMode instanceof FailureMode.Hang) {
                hung.add(op);
                return;
            }
            IoStatus failure = failureFor(request);
            long delay = failure == null ? serviceDelay(request) : latency();
            scheduled.add(op);
            op.timer = time.schedule(() -> complete(op, failure), delay);
        }
    }

    @Override
    public CompletionStage<CheckResult> check() {
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        CheckResult r;
        long delay = 0;
        synchronized (this) {
            AccessState state = accessState;
            if (closed) {
                r = new CheckResult(CheckerState.FAULTY, state, "path closed");
            } else if (down) {
                r = new CheckResult(CheckerState.FAULTY, state, "connection lost");
            } else if (failureMode instanceof FailureMode.Hang) {
                hungChecks.add(result);
                return result;
            } else if (failureMode instanceof FailureMode.FailAll) {
                r = new CheckResult(CheckerState.FAULTY, state, "connection lost (injected)");
                delay = latency();
            } else {
                // Like multipath-tools' tur checker on an ALUA port: standby, unavailable and
                // transitioning answer NOT READY, which it reports as ghost, not faulty.
                r = switch (state) {
                    case OPTIMIZED, NON_OPTIMIZED -> CheckResult.ready(state);
                    case STANDBY, UNAVAILABLE, TRANSITIONING -> new CheckResult(CheckerState.GHOST, state, state.label());
                    case OFFLINE -> new CheckResult(CheckerState.FAULTY, state, "target port offline");
                };
                delay = latency();
            }
        }
        time.schedule(() -> result.complete(r), delay);
        return result;
    }

    /**
     * Discards this path's pending ghost writes and aborts its hung requests (they complete with
     * {@code mayStillExecute=false}), then completes after the fencing delay. With nothing to
     * discard — a clean connection loss — it completes at once.
     */
    @Override
    public CompletionStage<Void> fence() {
        if (fenceImpossible) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "fencing impossible on simulated path " + identity.name()));
        }
        List<Op> aborted;
        int discarded;
        synchronized (this) {
            // Under the same lock as applyGhostWrites: a ghost either landed before this point or
            // never will.
            discarded = ghosts.size();
            ghosts.clear();
            ghostsDiscarded.addAndGet(discarded);
            aborted = drain(hung);
        }
        if (discarded == 0 && aborted.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        IoStatus abortedStatus = new IoStatus.PathError("aborted by fence", false);
        time.schedule(() -> {
            for (Op op : aborted) {
                if (op.claim()) {
                    op.deliver(abortedStatus);
                }
            }
            done.complete(null);
        }, fenceDelay.toNanos());
        return done;
    }

    @Override
    public void setEventListener(Consumer<PathEvent> listener) {
        this.listener = listener;
    }

    /** Fails requests in flight (hung ones with {@code mayStillExecute=true}) and every later one. */
    @Override
    public void close() {
        List<Op> inFlight;
        List<Op> released;
        List<CompletableFuture<CheckResult>> checks;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            inFlight = claimScheduled();
            released = takeHungLeavingGhosts();
            checks = drain(hungChecks);
        }
        IoStatus closedStatus = new IoStatus.PathError("path closed", false);
        for (Op op : inFlight) {
            deliverSoon(op, closedStatus);
        }
        deliverReleased(released, "path closed while the target did not answer");
        failChecks(checks, "path closed");
    }

    @Override
    public String toString() {
        return "SimulatedPath[" + identity.name() + ", seed=" + seed + "]";
    }

    // ---------------------------------------------------------------- internals

    /** The failure a request meets, or null when it will be served; called under the lock. */
    private IoStatus failureFor(IoRequest request) {
        if (failureMode instanceof FailureMode.FailAll) {
            return new IoStatus.PathError("connection lost (injected)", false);
        }
        // SPC-4 §5.15.2: ports in these states refuse media access with NOT READY and a
        // state-specific ASC/ASCQ; the transport classifies them as below.
        switch (accessState) {
            case STANDBY:
                return new IoStatus.PathError("ALUA standby (NOT READY 04h/0Bh)", false);
            case UNAVAILABLE:
                return new IoStatus.PathError("ALUA unavailable (NOT READY 04h/0Ch)", false);
            case OFFLINE:
                return new IoStatus.PathError("target port offline", false);
            case TRANSITIONING:
                return new IoStatus.RetryLater(TRANSITIONING_RETRY, "ALUA transitioning (NOT READY 04h/0Ah)");
            case OPTIMIZED, NON_OPTIMIZED:
                break;
        }
        if (failureMode instanceof FailureMode.FailEveryNth(int n) && ++requestsInMode % n == 0) {
            return new IoStatus.PathError("injected failure (every " + n + "th request)", false);
        }
        if (failureMode instanceof FailureMode.TargetFailure(IoStatus.TargetError.Kind kind)
                && !(request instanceof IoRequest.Flush)) {
            return new IoStatus.TargetError(kind, "injected " + kind);
        }
        if (!(request instanceof IoRequest.Flush) && !medium.isValidRange(request.offset(), request.length())) {
            return new IoStatus.TargetError(IoStatus.TargetError.Kind.ILLEGAL_REQUEST,
                    "LBA out of range or misaligned (05h/21h): offset " + request.offset() + " length "
                            + request.length() + " on " + medium.size() + " bytes, block "
                            + medium.geometry().logicalBlockSize());
        }
        return null;
    }

    /** Latency plus the transfer time on the shared link for requests that move data. */
    private long serviceDelay(IoRequest request) {
        long delay = latency();
        long bps = bytesPerSecond;
        boolean moves = request instanceof IoRequest.Read || request instanceof IoRequest.Write;
        if (bps > 0 && moves && request.length() > 0) {
            long transfer = (long) Math.ceil(request.length() * 1e9 / bps);
            long now = time.nanoTime();
            long end;
            while (true) {
                long free = linkFreeAt.get();
                end = Math.max(now, free) + transfer;
                if (linkFreeAt.compareAndSet(free, end)) {
                    break;
                }
            }
            delay += end - now;
        }
        return delay;
    }

    private long latency() {
        long j = jitterNanos;
        return latencyNanos + (j > 0 ? random.nextLong(j + 1) : 0);
    }

    /** Timer task: serves the request (data moves now) unless down/close already claimed it. */
    private void complete(Op op, IoStatus failure) {
        if (!op.claim()) {
            return;
        }
        scheduled.remove(op);
        op.deliver(failure != null ? failure : execute(op.request));
    }

    private IoStatus execute(IoRequest request) {
        switch (request) {
            case IoRequest.Read r -> medium.read(r.offset(), r.buffer());
            case IoRequest.Write w -> medium.write(w.offset(), w.buffer());
            case IoRequest.Flush _ -> { } // the medium is memory: everything completed is durable
            case IoRequest.Discard d -> medium.zero(d.offset(), d.length());
            case IoRequest.WriteZeroes z -> medium.zero(z.offset(), z.length());
        }
        return IoStatus.OK;
    }

    private void failSoon(Op op, IoStatus status) {
        op.claim();
        time.schedule(() -> op.deliver(status), 0);
    }

    private void deliverSoon(Op op, IoStatus status) {
        time.schedule(() -> op.deliver(status), 0);
    }

    /** Claims and unschedules every scheduled request; called under the lock. */
    private List<Op> claimScheduled() {
        List<Op> out = new ArrayList<>();
        for (Op op : scheduled) {
            if (op.claim()) {
                op.timer.cancel();
                out.add(op);
            }
        }
        scheduled.clear();
        return out;
    }

    /**
     * Takes the hung requests for completion with mayStillExecute=true; each write first leaves a
     * ghost (a copy of its data, taken while the path still owns the buffer). Called under the
     * lock, so that a concurrent {@link #fence()} sees either the hung request or its ghost.
     */
    private List<Op> takeHungLeavingGhosts() {
        List<Op> released = drain(hung);
        Duration delay = ghostWriteDelay;
        for (Op op : released) {
            op.claim(); // nobody else can: only requests on the hung list are claimed elsewhere
            Ghost g = Ghost.of(op.request);
            if (g != null) {
                ghosts.add(g);
                if (delay != null) {
                    time.schedule(() -> applyGhost(g), delay.toNanos());
                }
            }
        }
        return released;
    }

    private void deliverReleased(List<Op> released, String reason) {
        IoStatus status = new IoStatus.PathError(reason + "; the command may still execute", true);
        for (Op op : released) {
            deliverSoon(op, status);
        }
    }

    private synchronized void applyGhost(Ghost g) {
        // Removed by fence() or applyGhostWrites() already: nothing to do.
        if (ghosts.remove(g)) {
            g.apply(medium);
            ghostsApplied.incrementAndGet();
        }
    }

    private void failChecks(List<CompletableFuture<CheckResult>> checks, String why) {
        if (checks.isEmpty()) {
            return;
        }
        CheckResult r = new CheckResult(CheckerState.FAULTY, accessState, why);
        time.schedule(() -> checks.forEach(c -> c.complete(r)), 0);
    }

    private void emit(PathEvent e) {
        Consumer<PathEvent> l = listener;
        if (l != null) {
            l.accept(e);
        }
    }

    private static <T> List<T> drain(List<T> list) {
        if (list.isEmpty()) {
            return List.of();
        }
        List<T> out = new ArrayList<>(list);
        list.clear();
        return out;
    }

    private static long nonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative " + what);
        }
        return d.toNanos();
    }

    /** One submitted request; {@link #claim()} makes sure exactly one party completes it. */
    private final class Op {
        final IoRequest request;
        final Consumer<IoStatus> completion;
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile TimeSource.Cancellable timer = TimeSource.Cancellable.NONE;

        Op(IoRequest request, Consumer<IoStatus> completion) {
            this.request = request;
            this.completion = completion;
        }

        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        void deliver(IoStatus status) {
            completed.incrementAndGet();
            completion.accept(status);
        }
    }

    /**
     * The data of a write that may still reach the medium after its path gave up on it. Identity
     * matters (two equal ghosts are still two late commands), hence a class, not a record.
     */
    private static final class Ghost {
        private final long offset;
        private final long length;
        private final byte[] data; // null: zeroes

        private Ghost(long offset, long length, byte[] data) {
            this.offset = offset;
            this.length = length;
            this.data = data;
        }

        /** Copies the request's data now, while the path still owns the buffer; null for non-writes. */
        static Ghost of(IoRequest request) {
            return switch (request) {
                case IoRequest.Write w -> {
                    ByteBuffer b = w.buffer();
                    byte[] copy = new byte[b.remaining()];
                    b.get(b.position(), copy);
                    yield new Ghost(w.offset(), copy.length, copy);
                }
                case IoRequest.WriteZeroes z -> new Ghost(z.offset(), z.length(), null);
                case IoRequest.Discard d -> new Ghost(d.offset(), d.length(), null);
                case IoRequest.Read _, IoRequest.Flush _ -> null;
            };
        }

        void apply(SimulatedMedium medium) {
            if (!medium.isValidRange(offset, length)) {
                return; // the target would have rejected it
            }
            if (data == null) {
                medium.zero(offset, length);
            } else {
                medium.write(offset, data);
            }
        }
    }
}
