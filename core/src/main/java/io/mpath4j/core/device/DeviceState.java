package io.mpath4j.core.device;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.monitor.PathMonitor;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.select.PathSelector;
import io.mpath4j.core.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The control-path state machine of one device: path states, flap damping, path groups, the
 * active group and failback, the no-path queue. Every method runs on the device's serial
 * executor (the constructor excepted, which runs before anything is shared), so nothing here
 * locks; each change ends with {@link #recompute()} or {@link #publish()}, which hands the I/O
 * path a new immutable {@link Topology}.
 */
final class DeviceState {

    private final MultipathDevice device;
    private final TimeSource time;
    private final PathMonitor monitor;
    private final String wwid;
    private final List<PathSlot> slots = new ArrayList<>();
    private final NoPathQueue queue = new NoPathQueue();

    private DeviceConfig config;
    private PathSelector selector;
    private Geometry geometry;
    private List<List<PathSlot>> groups = List.of();
    /** Names of the active group's paths; groups are recomputed, so a group is known by its members. */
    private List<String> activeKey = List.of();
    private long version;

    private boolean queueingDisabled;
    private boolean retriesExhausted;
    /** Starts true so that a device born without a usable path arms no_path_retry too. */
    private boolean hadUsablePath = true;
    private TimeSource.Cancellable retryTimer = TimeSource.Cancellable.NONE;
    private TimeSource.Cancellable deadlineTimer = TimeSource.Cancellable.NONE;
    private long deadlineTimerAt = Long.MAX_VALUE;
    /** Deferred failback: the better group waiting for its delay, and since when. */
    private List<String> deferredKey = List.of();
    private long deferredSince;
    private TimeSource.Cancellable deferredTimer = TimeSource.Cancellable.NONE;
    /** Followover: the group whose first path just came back, allowing one failback to it. */
    private List<String> followoverKey = List.of();

    DeviceState(MultipathDevice device, DeviceConfig config, PathMonitor monitor, List<? extends Path> paths) {
        this.device = device;
        this.time = device.time();
        this.monitor = monitor;
        this.config = config;
        this.selector = config.selector().get();
        this.wwid = paths.getFirst().identity().wwid();
        this.geometry = paths.getFirst().geometry();
        for (Path p : paths) {
            checkBelongs(p);
            slots.add(new PathSlot(p));
        }
        recompute();
    }

    /** Connects listeners and checkers; runs on the executor once the device is fully built. */
    void start() {
        for (PathSlot s : slots) {
            attach(s);
        }
    }

    private void attach(PathSlot s) {
        s.path.setEventListener(event -> device.deliverEvent(s, event));
        if (monitor != null) {
            s.watch = monitor.watch(s.path, (result, sent, elapsed) -> {
                if (result.state() != CheckerState.TIMEOUT) {
                    s.stats.recordCheck(elapsed);
                }
                device.executor().execute(() -> onCheckResult(s, result, sent));
            });
        }
    }

    private void checkBelongs(Path p) {
        if (!p.identity().wwid().equals(wwid)) {
            throw new IllegalArgumentException("path " + p.identity().name() + " leads to " + p.identity().wwid()
                    + ", not to " + wwid + " (" + device.name() + ")");
        }
        for (PathSlot s : slots) {
            if (s.name().equals(p.identity().name())) {
                throw new IllegalArgumentException("device " + device.name() + " already has a path named " + s.name());
            }
        }
    }

    // ---------------------------------------------------------------- path state

    void onIoPathError(IoAttempt a, PathSlot s, IoStatus.PathError pe) {
        s.failureSeenNanos = Math.max(s.failureSeenNanos, time.nanoTime());
        failPath(s, "I/O error: " + pe.reason());
        if (a.request.modifiesMedium() && pe.mayStillExecute()) {
            // Ghost-write rule (DESIGN.md): the old path could still apply this write after a
            // redrive and overwrite newer data, so it is redriven only once the path is fenced.
            s.path.fence().whenComplete((ok, error) -> device.executor().execute(() -> {
                if (error == null) {
                    device.redrive(a);
                } else {
                    device.finish(a, new IoStatus.PathError("write may have reached the medium through "
                            + s.name() + " and that path could not be fenced: " + error, true));
                }
            }));
        } else {
            device.redrive(a);
        }
    }

    /** @param sentAtNanos when the check was sent: its verdict describes the path at that time */
    void onCheckResult(PathSlot s, CheckResult r, long sentAtNanos) {
        if (s.removed) {
            return;
        }
        boolean faulty = r.state() == CheckerState.FAULTY || r.state() == CheckerState.TIMEOUT;
        if (!faulty && s.failed && sentAtNanos < s.failureSeenNanos) {
            // Sent before the connection loss or I/O error that failed the path: it cannot vouch
            // for the path now. Ask again rather than reinstate a dead path.
            checkOne(s);
            return;
        }
        s.checker = r.state();
        if (!faulty && sentAtNanos >= s.accessNoticeNanos) {
            setAccess(s, r.accessState(), "checker");
        }
        switch (r.state()) {
            case FAULTY, TIMEOUT -> failPath(s, "checker " + r.state() + ": " + r.message());
            case READY, GHOST -> {
                if (s.failed) {
                    reinstate(s, "checker " + r.state());
                } else {
                    recompute();
                }
            }
            case UNCHECKED -> recompute();
        }
    }

    /** @param atNanos when the transport emitted the event */
    void onPathEvent(PathSlot s, PathEvent event, long atNanos) {
        if (s.removed) {
            return;
        }
        switch (event) {
            case PathEvent.ConnectionLost lost -> {
                s.failureSeenNanos = Math.max(s.failureSeenNanos, atNanos);
                s.checker = CheckerState.FAULTY; // what the next check would say; shown at once
                failPath(s, "connection lost: " + lost.reason());
            }
            case PathEvent.ConnectionRestored restored -> checkOne(s);
            case PathEvent.AccessStateChanged changed -> {
                s.accessNoticeNanos = Math.max(s.accessNoticeNanos, atNanos);
                boolean changedHere = s.access != changed.state();
                setAccess(s, changed.state(), "transport");
                if (changed.state() == AccessState.TRANSITIONING) {
                    // a transition is a change of the unit, not of one path: the other port groups
                    // move too, and the checks (every transition polling interval while they see
                    // TRANSITIONING) are what lets queued I/O go as soon as it ends
                    for (PathSlot other : slots) {
                        if (!other.removed && (other == s || changedHere)) {
                            checkOne(other);
                        }
                    }
                } else if (s.failed && changed.state().acceptsIo()) {
                    checkOne(s);
                }
                recompute();
            }
            case PathEvent.UnitAttention ua -> device.emit(s.name(), DeviceEvent.Kind.UNIT_ATTENTION, ua.decoded());
            case PathEvent.CapacityChanged cc -> {
                geometry = geometry.withSize(cc.newSizeBytes());
                device.emit(s.name(), DeviceEvent.Kind.CAPACITY_CHANGED, "size now " + cc.newSizeBytes() + " bytes");
                publish();
            }
        }
    }

    private void setAccess(PathSlot s, AccessState access, String source) {
        if (s.access != access) {
            device.emit(s.name(), DeviceEvent.Kind.ACCESS_STATE_CHANGED, s.access + " -> " + access + " (" + source + ")");
            s.access = access;
        }
    }

    private void failPath(PathSlot s, String reason) {
        if (s.failed || s.removed) {
            return;
        }
        long now = time.nanoTime();
        s.failed = true;
        s.failReason = reason;
        device.emit(s.name(), DeviceEvent.Kind.PATH_FAILED, reason);
        FlapDamping flap = config.flapDamping();
        if (flap.enabled()) {
            long windowStart = now - flap.window().toNanos();
            Long previous = s.recentFailures.peekLast();
            if (previous == null || previous < windowStart) {
                s.holdLevel = 0; // up for a whole window: forgive earlier flapping
            }
            s.recentFailures.addLast(now);
            while (s.recentFailures.peekFirst() < windowStart) {
                s.recentFailures.pollFirst();
            }
            if (s.recentFailures.size() >= flap.threshold()) {
                s.holdLevel++;
                s.holdPending = true; // the hold starts when the path recovers
            }
        }
        // A failed path is checked again at polling_interval, not at the backed-off period.
        s.watch.checkSoon();
        recompute();
    }

    private void reinstate(PathSlot s, String why) {
        if (!s.failed || s.adminFailed || s.removed) {
            return;
        }
        long now = time.nanoTime();
        if (s.holdPending) {
            s.holdPending = false;
            s.heldUntilNanos = now + config.flapDamping().holdNanos(s.holdLevel);
        }
        if (now < s.heldUntilNanos) {
            holdOut(s, now);
            return;
        }
        s.heldUntilNanos = 0;
        noteFollowover(s);
        s.failed = false;
        s.failReason = "";
        device.emit(s.name(), DeviceEvent.Kind.PATH_REINSTATED, why);
        recompute();
    }

    /** Keeps a flapping path out until its hold ends, then lets the checker's verdict decide. */
    private void holdOut(PathSlot s, long now) {
        if (s.failReason.startsWith("held")) {
            return;
        }
        long left = s.heldUntilNanos - now;
        s.failReason = "held out for " + Duration.ofNanos(left).toMillis() + " ms: flapping ("
                + s.recentFailures.size() + " failures within " + config.flapDamping().window().toSeconds() + " s)";
        device.emit(s.name(), DeviceEvent.Kind.PATH_HELD, s.failReason);
        s.holdTimer = time.schedule(() -> device.executor().execute(() -> {
            s.holdTimer = TimeSource.Cancellable.NONE;
            s.failReason = "hold ended, awaiting checker";
            if (s.checker == CheckerState.READY || s.checker == CheckerState.GHOST) {
                reinstate(s, "flap hold ended, checker " + s.checker);
            } else {
                publish();
            }
        }), left);
        publish();
    }

    private void noteFollowover(PathSlot s) {
        for (List<PathSlot> g : groups) {
            if (g.contains(s)) {
                if (g.stream().noneMatch(PathSlot::usable)) {
                    followoverKey = keyOf(g);
                }
                return;
            }
        }
    }

    private void checkOne(PathSlot s) {
        if (monitor != null) {
            s.watch.checkSoon();
            return;
        }
        long sent = time.nanoTime();
        s.path.check().whenComplete((r, e) -> device.executor().execute(() ->
                onCheckResult(s, e == null ? r : CheckResult.faulty("checker failed: " + e), sent)));
    }

    void checkAll() {
        for (PathSlot s : slots) {
            checkOne(s);
        }
    }

    // ---------------------------------------------------------------- administration

    private PathSlot find(String pathName) {
        for (PathSlot s : slots) {
            if (s.name().equals(pathName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("device " + device.name() + " has no path " + pathName);
    }

    void adminFail(String pathName) {
        PathSlot s = find(pathName);
        if (!s.adminFailed) {
            s.adminFailed = true;
            device.emit(s.name(), DeviceEvent.Kind.PATH_FAILED, "failed by administrator");
            recompute();
        }
    }

    void adminReinstate(String pathName) {
        PathSlot s = find(pathName);
        if (s.adminFailed) {
            s.adminFailed = false;
            noteFollowover(s);
            device.emit(s.name(), DeviceEvent.Kind.PATH_REINSTATED, "reinstated by administrator");
        }
        if (s.failed) {
            // An administrator's reinstate overrides flap damping but not the checker.
            s.heldUntilNanos = 0;
            s.holdPending = false;
            s.holdTimer.cancel();
            checkOne(s);
        }
        recompute();
    }

    void switchGroup(int group) {
        if (group < 1 || group > groups.size()) {
            throw new IllegalArgumentException("device " + device.name() + " has path groups 1.." + groups.size() + ", not " + group);
        }
        List<PathSlot> g = groups.get(group - 1);
        if (g.stream().noneMatch(PathSlot::usable)) {
            throw new IllegalArgumentException("path group " + group + " of " + device.name() + " has no usable path");
        }
        if (!keyOf(g).equals(activeKey)) {
            activeKey = keyOf(g);
            device.counters().groupSwitches.increment();
            device.emit("", DeviceEvent.Kind.GROUP_SWITCHED, "to group " + group + " by administrator");
        }
        publish();
    }

    void setSelector(Supplier<PathSelector> factory) {
        PathSelector next = factory.get();
        String before = selector.describe();
        config = config.withSelector(factory);
        selector = next;
        device.emit("", DeviceEvent.Kind.SELECTOR_CHANGED, before + " -> " + next.describe());
        publish();
    }

    void reconfigure(DeviceConfig next) {
        boolean newSelector = next.selector() != config.selector();
        config = next;
        if (newSelector) {
            setSelector(next.selector());
        }
        recompute();
    }

    void setQueueingDisabled(boolean disabled) {
        queueingDisabled = disabled;
        if (disabled) {
            device.emit("", DeviceEvent.Kind.QUEUEING_DISABLED, "failing " + queue.size() + " queued I/O");
            failQueued("queueing disabled by administrator");
        } else {
            retriesExhausted = false;
            device.emit("", DeviceEvent.Kind.QUEUEING_RESTORED, "no_path_retry " + config.noPathRetry());
        }
        publish();
    }

    void addPath(Path p) {
        checkBelongs(p);
        PathSlot s = new PathSlot(p);
        if (p.geometry().sizeBytes() != geometry.sizeBytes()) {
            device.emit(s.name(), DeviceEvent.Kind.CAPACITY_CHANGED, "path reports " + p.geometry().sizeBytes()
                    + " bytes, device has " + geometry.sizeBytes() + "; run resize to adopt it");
        }
        slots.add(s);
        attach(s);
        device.emit(s.name(), DeviceEvent.Kind.PATH_ADDED, s.access.toString());
        recompute();
    }

    void removePath(String pathName) {
        PathSlot s = find(pathName);
        if (slots.size() == 1) {
            throw new IllegalArgumentException("cannot remove the last path of " + device.name() + "; remove the device instead");
        }
        s.removed = true;
        s.watch.cancel();
        s.holdTimer.cancel();
        slots.remove(s);
        device.emit(s.name(), DeviceEvent.Kind.PATH_REMOVED, "removed");
        recompute();
        // Closing completes its in-flight I/O with path errors, which redrive on the remaining paths.
        s.path.close();
    }

    void resize() {
        long size = Long.MAX_VALUE;
        for (PathSlot s : slots) {
            size = Math.min(size, s.path.geometry().sizeBytes());
        }
        if (size != geometry.sizeBytes()) {
            device.emit("", DeviceEvent.Kind.CAPACITY_CHANGED, geometry.sizeBytes() + " -> " + size + " bytes");
            geometry = geometry.withSize(size);
        }
        publish();
    }

    void close() {
        retryTimer.cancel();
        deadlineTimer.cancel();
        deferredTimer.cancel();
        queue.drain(a -> device.finish(a, new IoStatus.DeviceClosed()));
        for (PathSlot s : slots) {
            s.watch.cancel();
            s.holdTimer.cancel();
            s.path.close();
        }
    }

    // ---------------------------------------------------------------- no usable path

    void onNoPath(IoAttempt a) {
        if (device.isClosed()) {
            device.finish(a, new IoStatus.DeviceClosed());
            return;
        }
        if (device.topology().usablePathCount() > 0) {
            device.dispatch(a);
            return;
        }
        if (time.nanoTime() >= a.deadlineNanos) {
            device.finish(a, device.deadlineExceeded(a));
            return;
        }
        String refusal = queueRefusal();
        if (refusal != null) {
            device.finish(a, new IoStatus.NoPathAvailable(refusal + lastFailureSuffix(a)));
            return;
        }
        boolean first = queue.isEmpty();
        // the caps bound what new I/O may add; an I/O that was already sent and lost its path (a redrive
        // or a retry) was accepted before and its buffer exists: refusing it would fail an accepted write
        boolean accepted = a.redrives > 0 || !a.lastFailure.isEmpty();
        if (!queue.offer(a, accepted ? Long.MAX_VALUE : config.queueLimitBytes(),
                accepted ? Integer.MAX_VALUE : config.queueLimitRequests())) {
            device.finish(a, new IoStatus.NoPathAvailable("no-path queue is full (" + queue.size() + " requests, "
                    + queue.bytes() + " bytes; limits " + config.queueLimitRequests() + " requests, "
                    + config.queueLimitBytes() + " bytes)"));
            return;
        }
        device.counters().queuedTotal.increment();
        if (first) {
            device.emit("", DeviceEvent.Kind.QUEUEING_STARTED, "no usable path; queueing (no_path_retry " + config.noPathRetry() + ")");
        }
        if (a.deadlineNanos < deadlineTimerAt) {
            armDeadlineSweep(a.deadlineNanos);
        }
    }

    private static String lastFailureSuffix(IoAttempt a) {
        return a.lastFailure.isEmpty() ? "" : "; last: " + a.lastFailure;
    }

    /** Null when I/O may be queued now, else why not. */
    private String queueRefusal() {
        if (queueingDisabled) {
            return "all paths down and queueing is disabled";
        }
        // A unit in ALUA transition is coming back: queue whatever the policy (SPC-4 §5.15.2.5).
        boolean transitioning = slots.stream().anyMatch(s -> !s.failed && s.access == AccessState.TRANSITIONING);
        if (transitioning) {
            return null;
        }
        return switch (config.noPathRetry()) {
            case NoPathRetry.Fail f -> "all paths down (no_path_retry fail)";
            case NoPathRetry.Queue q -> null;
            case NoPathRetry.Retries r -> retriesExhausted ? "all paths down; no_path_retry " + r.checks() + " exhausted" : null;
        };
    }

    private void armDeadlineSweep(long at) {
        deadlineTimer.cancel();
        deadlineTimerAt = at;
        deadlineTimer = time.schedule(() -> device.executor().execute(this::sweepDeadlines), at - time.nanoTime());
    }

    private void sweepDeadlines() {
        deadlineTimerAt = Long.MAX_VALUE;
        long next = queue.expire(time.nanoTime(), a -> device.finish(a, device.deadlineExceeded(a)));
        if (next != Long.MAX_VALUE) {
            armDeadlineSweep(next);
        }
    }

    private void failQueued(String why) {
        int n = queue.size();
        if (n > 0) {
            queue.drain(a -> device.finish(a, new IoStatus.NoPathAvailable(why + lastFailureSuffix(a))));
            device.emit("", DeviceEvent.Kind.QUEUE_FAILED, n + " queued I/O failed: " + why);
        }
    }

    private void onAllPathsLost() {
        if (config.noPathRetry() instanceof NoPathRetry.Retries r) {
            long budget = config.pollingInterval().toNanos() * r.checks();
            retryTimer.cancel();
            retryTimer = time.schedule(() -> device.executor().execute(() -> {
                if (!hadUsablePath) {
                    retriesExhausted = true;
                    failQueued("no_path_retry " + r.checks() + " exhausted");
                    publish();
                }
            }), budget);
        }
    }

    // ---------------------------------------------------------------- groups and publishing

    /** Re-derives priorities and groups, picks the active group (failover/failback), publishes. */
    private void recompute() {
        for (PathSlot s : slots) {
            int p = config.prioritizer().priority(s.identity, s.access, s.stats);
            if (p != s.priority && version > 0) {
                device.emit(s.name(), DeviceEvent.Kind.PRIORITY_CHANGED, s.priority + " -> " + p);
            }
            s.priority = p;
            s.stats.setWeight(p);
        }
        // Policies order groups by the priority of all members; what counts for the choice and the
        // listing is the priority of the members still up, so order by that (stable: ties keep order).
        groups = new ArrayList<>(config.grouping().group(slots, s -> s.identity, s -> s.priority));
        groups.sort((x, y) -> Integer.compare(groupPriority(y), groupPriority(x)));
        chooseActiveGroup();
        followoverKey = List.of();
        publish();
    }

    private void chooseActiveGroup() {
        List<PathSlot> best = null;
        int bestPrio = -1;
        for (List<PathSlot> g : groups) {
            if (g.stream().anyMatch(PathSlot::usable) && groupPriority(g) > bestPrio) {
                best = g;
                bestPrio = groupPriority(g);
            }
        }
        if (best == null) {
            return; // keep activeKey: nothing to switch to; publish() shows no active group
        }
        List<PathSlot> current = currentGroup();
        if (current == null || current.stream().noneMatch(PathSlot::usable)) {
            boolean failover = !activeKey.isEmpty();
            switchTo(best, failover ? "failover: previous group has no usable path" : "initial group");
            if (failover) {
                device.counters().failovers.increment();
            }
            return;
        }
        if (best == current || bestPrio <= groupPriority(current)) {
            deferredKey = List.of();
            return;
        }
        switch (config.failback()) {
            case FailbackPolicy.Immediate i -> switchTo(best, "failback (immediate)");
            case FailbackPolicy.Manual m -> { }
            case FailbackPolicy.Followover f -> {
                if (keyOf(best).equals(followoverKey)) {
                    switchTo(best, "failback (followover: first path of the group returned)");
                }
            }
            case FailbackPolicy.Deferred d -> deferFailback(best, d.delay());
        }
    }

    /**
     * The group that carries on the active one. Regrouping (group_by_prio after a priority change)
     * can split or merge groups, so when no group has exactly the old members, the group holding
     * the most of the old active paths that are still usable continues it, without a switch.
     */
    private List<PathSlot> currentGroup() {
        List<PathSlot> bestOverlap = null;
        int most = 0;
        for (List<PathSlot> g : groups) {
            List<String> key = keyOf(g);
            if (key.equals(activeKey)) {
                return g;
            }
            int overlap = 0;
            for (PathSlot s : g) {
                if (s.usable() && activeKey.contains(s.name())) {
                    overlap++;
                }
            }
            if (overlap > most) {
                most = overlap;
                bestOverlap = g;
            }
        }
        if (bestOverlap != null) {
            activeKey = keyOf(bestOverlap);
        }
        return bestOverlap;
    }

    private void deferFailback(List<PathSlot> best, Duration delay) {
        long now = time.nanoTime();
        if (!keyOf(best).equals(deferredKey)) {
            deferredKey = keyOf(best);
            deferredSince = now;
            deferredTimer.cancel();
            deferredTimer = time.schedule(() -> device.executor().execute(this::recompute), delay.toNanos());
        } else if (now - deferredSince >= delay.toNanos()) {
            switchTo(best, "failback (deferred " + delay.toSeconds() + " s)");
        }
    }

    private void switchTo(List<PathSlot> g, String why) {
        List<String> key = keyOf(g);
        if (!key.equals(activeKey)) {
            boolean initial = activeKey.isEmpty();
            activeKey = key;
            deferredKey = List.of();
            if (!initial) {
                device.counters().groupSwitches.increment();
            }
            device.emit("", DeviceEvent.Kind.GROUP_SWITCHED, "to " + String.join(",", key) + ": " + why);
        }
    }

    private static int groupPriority(List<PathSlot> g) {
        int sum = 0;
        int n = 0;
        for (PathSlot s : g) {
            if (!s.failed && !s.adminFailed) {
                sum += s.priority;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static List<String> keyOf(List<PathSlot> g) {
        List<String> names = new ArrayList<>(g.size());
        for (PathSlot s : g) {
            names.add(s.name());
        }
        return names;
    }

    /** Freezes the state into a new snapshot, then releases or arms the no-path logic. */
    void publish() {
        List<GroupView> views = new ArrayList<>(groups.size());
        int active = -1;
        PathSlot[] route = new PathSlot[0];
        for (int i = 0; i < groups.size(); i++) {
            List<PathSlot> g = groups.get(i);
            List<PathSlot> usable = g.stream().filter(PathSlot::usable).toList();
            boolean isActive = !usable.isEmpty() && keyOf(g).equals(activeKey);
            if (isActive) {
                active = i;
                route = usable.toArray(new PathSlot[0]);
            }
            GroupView.Status status = isActive ? GroupView.Status.ACTIVE
                    : usable.isEmpty() ? GroupView.Status.DISABLED : GroupView.Status.ENABLED;
            views.add(new GroupView(groupPriority(g), status, g.stream().map(PathSlot::view).toList()));
        }
        boolean usableNow = route.length > 0;
        if (usableNow) {
            // A returning path resets the no_path_retry budget (before the snapshot shows it).
            retryTimer.cancel();
            retriesExhausted = false;
        }
        PathSlot[] usable = slots.stream().filter(PathSlot::usable).toArray(PathSlot[]::new);
        device.publish(new Topology(device.name(), wwid, geometry, views, active, selector, queueMode(), ++version, route, usable,
                slots.stream().map(sl -> sl.stats).toList()));

        if (usableNow) {
            if (!queue.isEmpty()) {
                int n = queue.size();
                queue.drain(device::dispatch);
                device.emit("", DeviceEvent.Kind.QUEUE_RELEASED, n + " queued I/O released in order");
            }
        } else if (hadUsablePath) {
            hadUsablePath = false;
            onAllPathsLost();
        }
        hadUsablePath = usableNow;
    }

    private String queueMode() {
        if (queueingDisabled) {
            return "fail (queueing disabled)";
        }
        return switch (config.noPathRetry()) {
            case NoPathRetry.Fail f -> "fail";
            case NoPathRetry.Queue q -> "queue_if_no_path";
            case NoPathRetry.Retries r -> retriesExhausted ? "fail (no_path_retry " + r.checks() + " exhausted)"
                    : "queue_if_no_path for " + r.checks() + " checks";
        };
    }
}
