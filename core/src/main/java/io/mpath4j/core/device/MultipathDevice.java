package io.mpath4j.core.device;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.select.PathSelector;
import io.mpath4j.core.time.SerialExecutor;
import io.mpath4j.core.time.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One logical unit reached over several paths: the multipath engine.
 *
 * <p>The I/O path ({@link #submit}) reads the current {@link Topology} snapshot, asks the
 * selector for a path of the active group and hands the request to it: no lock, no allocation
 * besides the attempt. Each I/O ends one of three ways: completed, redriven (path error, after
 * fencing if it was a write that may still execute), or parked in the no-path queue.
 *
 * <p>Every state change (path failed or reinstated, check result, transport event, admin
 * command, timer) runs on this device's own {@link SerialExecutor} via {@link DeviceState}, which
 * publishes a new snapshot when it is done.
 */
public final class MultipathDevice implements BlockDevice {

    /** Shortest retry-later delay, so that a target answering "busy, retry now" cannot spin us. */
    private static final long MIN_RETRY_NANOS = Duration.ofMillis(1).toNanos();

    private final String name;
    private final TimeSource time;
    private final SerialExecutor executor;
    private final DeviceCounters counters = new DeviceCounters();
    private final List<Consumer<DeviceEvent>> listeners = new CopyOnWriteArrayList<>();
    private final DeviceState state;
    private volatile Topology topology;
    private volatile boolean closed;
    /** Completes once {@link #close()} has closed every path (on the control thread). */
    private final CompletableFuture<Void> pathsClosed = new CompletableFuture<>();
    private volatile long ioDeadlineNanos;
    /** Read on every completion; a volatile read is a plain load on x86 and ARMv8 (ldar), so this costs next to nothing. */
    private volatile IoObserver observer = IoObserver.NONE;

    /**
     * Builds a device from its first paths (all with the same WWID). The topology is published
     * before this returns; checking starts on the engine's monitor, if it has one.
     */
    public MultipathDevice(String name, DeviceConfig config, Engine engine, List<? extends Path> paths) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("device " + name + " needs at least one path");
        }
        this.name = name;
        this.time = engine.time();
        this.executor = new SerialExecutor(engine.executor());
        this.ioDeadlineNanos = config.ioDeadline().toNanos();
        this.state = new DeviceState(this, config, engine.monitor(), paths);
        // Listeners and checkers start only now: their events run on the executor and need `state`.
        executor.execute(state::start);
    }

    // ---------------------------------------------------------------- the I/O path

    @Override
    public Geometry geometry() {
        return topology.geometry();
    }

    @Override
    public CompletableFuture<IoStatus> submit(IoRequest request) {
        Geometry g = topology.geometry();
        if (request.offset() + request.length() > g.sizeBytes() || request.offset() + request.length() < 0) {
            throw new IllegalArgumentException("request [" + request.offset() + ", +" + request.length()
                    + ") is beyond the end of " + name + " (" + g.sizeBytes() + " bytes)");
        }
        long deadlineAfter = ioDeadlineNanos;
        long deadline = deadlineAfter == 0 ? Long.MAX_VALUE : time.nanoTime() + deadlineAfter;
        IoAttempt a = new IoAttempt(this, request, deadline);
        counters.submitted.increment();
        if (closed) {
            finish(a, new IoStatus.DeviceClosed());
        } else if (request instanceof IoRequest.Flush) {
            flush(a);
        } else {
            dispatch(a);
        }
        return a.future;
    }

    /**
     * A flush must make durable every write acknowledged before it, whichever path carried the
     * write. Paths of one unit normally share the unit's cache (a SCSI LU; NBD servers over one
     * file share the page cache), but a target may cache per connection, so the flush goes to
     * every usable path holding writes it has not flushed yet, and completes when all of them
     * did. With no such path it is one ordinary I/O. A part that hits a path error is redriven
     * like any I/O (its path's unflushed writes are then only as safe as that target's cache).
     */
    private void flush(IoAttempt a) {
        Topology t = topology;
        PathSlot[] usable = t.usableSlots;
        int dirty = 0;
        for (PathSlot s : usable) {
            if (s.stats.hasUnflushedWrites()) {
                dirty++;
            }
        }
        if (dirty == 0) {
            dispatch(a);
            return;
        }
        CompletableFuture<?>[] parts = new CompletableFuture<?>[dirty];
        int k = 0;
        for (PathSlot s : usable) {
            if (s.stats.hasUnflushedWrites()) {
                IoAttempt part = new IoAttempt(this, a.request, a.deadlineNanos, false);
                part.pinned = s;
                parts[k++] = part.future;
                dispatch(part);
            }
        }
        CompletableFuture.allOf(parts).whenComplete((v, e) -> {
            IoStatus result = IoStatus.OK;
            for (CompletableFuture<?> f : parts) {
                IoStatus st = (IoStatus) f.join();
                if (!st.isOk()) {
                    result = st;
                    break;
                }
            }
            finish(a, result);
        });
    }

    /** Sends {@code a} down a path of the active group, or to the no-path logic when there is none. */
    void dispatch(IoAttempt a) {
        Topology t = topology;
        PathSlot[] route = t.routeSlots;
        if (route.length == 0 || closed) {
            executor.execute(() -> state.onNoPath(a));
            return;
        }
        long now = time.nanoTime();
        PathSlot s = a.pinned;
        if (s != null) {
            a.pinned = null; // a redrive of this part goes through the selector
        } else {
            s = route[route.length == 1 ? 0 : t.selector.select(t.routeStats, a.length, now)];
        }
        a.slot = s;
        a.startNanos = now;
        if (a.request instanceof IoRequest.Flush) {
            a.slotWritesAtStart = s.stats.writesAcknowledged();
        }
        s.stats.start(a.length, now);
        try {
            s.path.submit(a.request, a);
        } catch (RuntimeException e) {
            // A path must not throw; if it does we cannot know whether it sent the request.
            onPathCompletion(a, s, new IoStatus.PathError("path threw on submit: " + e, true));
        }
    }

    /** Completion of one attempt on one path, from the transport's thread. */
    void onPathCompletion(IoAttempt a, PathSlot s, IoStatus status) {
        long now = time.nanoTime();
        boolean pathFault = status instanceof IoStatus.PathError || status instanceof IoStatus.RetryLater;
        s.stats.end(a.length, now - a.startNanos, pathFault, now);
        observer.onPathCompletion(s.stats, a.request, now - a.startNanos, pathFault);
        switch (status) {
            case IoStatus.Ok ok -> {
                if (a.request.modifiesMedium()) {
                    s.stats.noteWriteAcknowledged();
                } else if (a.request instanceof IoRequest.Flush) {
                    s.stats.noteFlushed(a.slotWritesAtStart);
                }
                finish(a, ok);
            }
            case IoStatus.PathError pe -> {
                a.lastFailure = s.name() + ": " + pe.describe();
                executor.execute(() -> state.onIoPathError(a, s, pe));
            }
            case IoStatus.RetryLater rl -> retryLater(a, rl, now);
            case IoStatus.Failure f -> finish(a, f);
        }
    }

    private void retryLater(IoAttempt a, IoStatus.RetryLater rl, long now) {
        a.lastFailure = a.slot.name() + ": " + rl.describe();
        long delay = Math.max(MIN_RETRY_NANOS, rl.delay().toNanos());
        if (now + delay > a.deadlineNanos) {
            finish(a, deadlineExceeded(a));
            return;
        }
        counters.retries.increment();
        time.schedule(() -> dispatch(a), delay);
    }

    /** Sends {@code a} again after a path error, unless the device closed or the deadline passed. */
    void redrive(IoAttempt a) {
        if (closed) {
            finish(a, new IoStatus.DeviceClosed());
        } else if (time.nanoTime() >= a.deadlineNanos) {
            finish(a, deadlineExceeded(a));
        } else {
            a.redrives++;
            counters.redrives.increment();
            dispatch(a);
        }
    }

    IoStatus.DeadlineExceeded deadlineExceeded(IoAttempt a) {
        return new IoStatus.DeadlineExceeded(Duration.ofNanos(ioDeadlineNanos), a.lastFailure);
    }

    void finish(IoAttempt a, IoStatus status) {
        if (a.counted) {
            (status.isOk() ? counters.completedOk : counters.completedFailed).increment();
        }
        a.finish(status);
    }

    // ---------------------------------------------------------------- state, for readers

    public String name() {
        return name;
    }

    public String wwid() {
        return topology.wwid();
    }

    /** The current snapshot; never blocks, never waits for checkers or reconfiguration. */
    public Topology topology() {
        return topology;
    }

    public DeviceCounters counters() {
        return counters;
    }

    /** Receives every state change, on the device's executor: keep it short. */
    /** Sets the one observer of path completions (metrics); {@link IoObserver#NONE} removes it. */
    public void setIoObserver(IoObserver observer) {
        this.observer = java.util.Objects.requireNonNull(observer, "observer");
    }

    public void addListener(Consumer<DeviceEvent> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<DeviceEvent> listener) {
        listeners.remove(listener);
    }

    // ---------------------------------------------------------------- administration

    /** {@code fail path}: takes a path out of service until {@link #reinstatePath}. */
    public CompletableFuture<Void> failPath(String pathName) {
        return onExecutor(() -> state.adminFail(pathName));
    }

    /** {@code reinstate path}: undoes {@link #failPath}; the path returns when its checker says ready. */
    public CompletableFuture<Void> reinstatePath(String pathName) {
        return onExecutor(() -> state.adminReinstate(pathName));
    }

    /** {@code switchgroup}: makes group {@code group} (1-based, as multipathd numbers them) active. */
    public CompletableFuture<Void> switchGroup(int group) {
        return onExecutor(() -> state.switchGroup(group));
    }

    /** Changes the path selector under I/O: in-flight I/O completes as usual, none is lost or sent twice. */
    public CompletableFuture<Void> setSelector(Supplier<PathSelector> selector) {
        return onExecutor(() -> state.setSelector(selector));
    }

    /** Applies a changed configuration to the live device without interrupting I/O. */
    public CompletableFuture<Void> reconfigure(DeviceConfig config) {
        return onExecutor(() -> {
            ioDeadlineNanos = config.ioDeadline().toNanos();
            state.reconfigure(config);
        });
    }

    /** {@code disablequeueing}: fails every queued I/O now and fails new I/O while no path is usable. */
    public CompletableFuture<Void> disableQueueing() {
        return onExecutor(() -> state.setQueueingDisabled(true));
    }

    /** {@code restorequeueing}: returns to the configured no_path_retry behaviour. */
    public CompletableFuture<Void> restoreQueueing() {
        return onExecutor(() -> state.setQueueingDisabled(false));
    }

    /** {@code add path}: the path must lead to this device's unit (same WWID). */
    public CompletableFuture<Void> addPath(Path path) {
        return onExecutor(() -> state.addPath(path));
    }

    /** {@code del path}: in-flight I/O on it completes or is redriven; the path is then closed. */
    public CompletableFuture<Void> removePath(String pathName) {
        return onExecutor(() -> state.removePath(pathName));
    }

    /** {@code resize map}: takes the size the paths report now. */
    public CompletableFuture<Void> resize() {
        return onExecutor(state::resize);
    }

    /** Runs every path's checker once now (for tests and {@code reconfigure}). */
    public CompletableFuture<Void> checkNow() {
        return onExecutor(state::checkAll);
    }

    /** Fails queued I/O, stops checking and closes every path. In-flight I/O ends with its path's answer. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            executor.execute(() -> {
                try {
                    state.close();
                } finally {
                    pathsClosed.complete(null);
                }
            });
        }
    }

    /**
     * Completes when a {@link #close()} has finished closing the paths (iSCSI sessions logged out,
     * NBD connections disconnected), so that a process can wait for that before it exits.
     */
    public CompletableFuture<Void> whenClosed() {
        return pathsClosed.copy();
    }

    public boolean isClosed() {
        return closed;
    }

    private CompletableFuture<Void> onExecutor(Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    // ---------------------------------------------------------------- for DeviceState

    SerialExecutor executor() {
        return executor;
    }

    TimeSource time() {
        return time;
    }

    void publish(Topology t) {
        topology = t;
    }

    void emit(String path, DeviceEvent.Kind kind, String detail) {
        DeviceEvent e = new DeviceEvent(time.nanoTime(), name, path, kind, detail);
        System.getLogger("io.mpath4j.device").log(System.Logger.Level.INFO, e.toString());
        for (Consumer<DeviceEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                System.getLogger("io.mpath4j.device").log(System.Logger.Level.WARNING, "event listener failed", ex);
            }
        }
    }

    void deliverEvent(PathSlot slot, PathEvent event) {
        // Stamped on the transport's thread: the executor may run it later than checks sent since.
        long at = time.nanoTime();
        executor.execute(() -> state.onPathEvent(slot, event, at));
    }
}
