package io.mpath4j.core.device;

import java.util.concurrent.atomic.LongAdder;

/** Monotonic per-device counters for metrics and {@code show maps}; written from any thread. */
public final class DeviceCounters {

    final LongAdder submitted = new LongAdder();
    final LongAdder completedOk = new LongAdder();
    final LongAdder completedFailed = new LongAdder();
    final LongAdder redrives = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder failovers = new LongAdder();
    final LongAdder groupSwitches = new LongAdder();
    final LongAdder queuedTotal = new LongAdder();

    public long submitted() {
        return submitted.sum();
    }

    public long completedOk() {
        return completedOk.sum();
    }

    public long completedFailed() {
        return completedFailed.sum();
    }

    /** I/O sent again on another path after a path error. */
    public long redrives() {
        return redrives.sum();
    }

    /** I/O sent again after "retry later" (transitioning, busy). */
    public long retries() {
        return retries.sum();
    }

    /** Group switches forced because the active group lost its last usable path. */
    public long failovers() {
        return failovers.sum();
    }

    /** All group switches: failovers, failbacks and administrator switches. */
    public long groupSwitches() {
        return groupSwitches.sum();
    }

    /** I/O that had to wait in the no-path queue. */
    public long queuedTotal() {
        return queuedTotal.sum();
    }
}
