package io.mpath4j.lab.lu;

import io.mpath4j.scsi.sense.SenseData;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The unit attention conditions of one logical unit, queued per I_T nexus (SAM-5 §5.14, SPC-4
 * §5.14.1). A nexus seen for the first time starts with POWER ON, RESET, OR BUS DEVICE RESET
 * OCCURRED, as a target that just powered on would report to every new initiator; a queued reset
 * condition (ASC 29h) supersedes every other condition (SAM-5 lets the device server drop them).
 * The same condition is queued once.
 */
final class UnitAttentions {

    private final Map<Nexus, Deque<SenseData>> pending = new HashMap<>();

    /** Registers the nexus on first contact (queuing POWER ON/RESET) and returns the next condition, consuming it. */
    synchronized SenseData take(Nexus nexus) {
        Deque<SenseData> q = queue(nexus);
        return q.pollFirst();
    }

    /** Registers the nexus on first contact without taking a condition (for commands that do not report them). */
    synchronized void touch(Nexus nexus) {
        queue(nexus);
    }

    private Deque<SenseData> queue(Nexus nexus) {
        return pending.computeIfAbsent(nexus, n -> {
            Deque<SenseData> q = new ArrayDeque<>();
            q.add(Sense.POWER_ON_RESET);
            return q;
        });
    }

    /** Queues {@code sense} for every known nexus except {@code except} (may be null). */
    synchronized void postAll(SenseData sense, Nexus except) {
        for (Map.Entry<Nexus, Deque<SenseData>> e : pending.entrySet()) {
            if (!e.getKey().equals(except)) {
                add(e.getValue(), sense);
            }
        }
    }

    /** Queues {@code sense} for one nexus, if it is known (an unknown one will get POWER ON anyway). */
    synchronized void post(Nexus nexus, SenseData sense) {
        Deque<SenseData> q = pending.get(nexus);
        if (q != null) {
            add(q, sense);
        }
    }

    /** A reset (ASC 29h) supersedes everything queued, and nothing is queued behind it. */
    private static void add(Deque<SenseData> q, SenseData sense) {
        if (sense.asc() == 0x29) {
            q.clear();
        } else if (q.contains(sense) || (!q.isEmpty() && q.peekFirst().asc() == 0x29)) {
            return;
        }
        q.addLast(sense);
    }

    /** Forgets the nexus: a later contact counts as a new one. */
    synchronized void forget(Nexus nexus) {
        pending.remove(nexus);
    }

    /** The nexuses that have talked to this logical unit. */
    synchronized java.util.Set<Nexus> known() {
        return java.util.Set.copyOf(pending.keySet());
    }
}
