package io.mpath4j.lab.target;

import io.mpath4j.iscsi.pdu.SerialNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/**
 * The target's command window of one session (RFC 7143 §3.2.2.1, §4.2.2.1): non-immediate
 * commands are delivered in CmdSN order, ExpCmdSN moving past each; a command ahead of ExpCmdSN
 * but within MaxCmdSN waits for the gap to fill; a command outside ExpCmdSN..MaxCmdSN is "silently
 * ignored" (a duplicate below the window, or an initiator that overran MaxCmdSN). Immediate
 * commands are delivered at once and do not move ExpCmdSN. The window has a fixed size: MaxCmdSN =
 * ExpCmdSN + size - 1. Thread-safe; pure (no I/O).
 *
 * @param <T> what is queued (the PDU)
 */
final class CommandWindow<T> {

    /** What {@link #admit} decided. */
    record Admission<T>(List<T> deliver, boolean dropped) {}

    private final int size;
    private int expCmdSN;
    private final Map<Integer, T> ahead = new HashMap<>(); // by CmdSN, all within the window

    CommandWindow(int expCmdSN, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window size " + size);
        }
        this.expCmdSN = expCmdSN;
        this.size = size;
    }

    synchronized int expCmdSN() {
        return expCmdSN;
    }

    synchronized int maxCmdSN() {
        return expCmdSN + size - 1;
    }

    /** True if {@code cmdSN} was already received (serially below ExpCmdSN). */
    synchronized boolean received(int cmdSN) {
        return SerialNumber.lessThan(cmdSN, expCmdSN);
    }

    synchronized Admission<T> admit(int cmdSN, boolean immediate, T item) {
        if (immediate) {
            return new Admission<>(List.of(item), false);
        }
        int max = expCmdSN + size - 1;
        if (!SerialNumber.inWindow(cmdSN, expCmdSN, max)) {
            return new Admission<>(List.of(), true);
        }
        if (cmdSN != expCmdSN) {
            if (ahead.putIfAbsent(cmdSN, item) != null) {
                return new Admission<>(List.of(), true); // a duplicate of a waiting command
            }
            return new Admission<>(List.of(), false);
        }
        List<T> out = new ArrayList<>();
        out.add(item);
        expCmdSN++;
        T next;
        while ((next = ahead.remove(expCmdSN)) != null) {
            out.add(next);
            expCmdSN++;
        }
        return new Admission<>(out, false);
    }

    /** Commands waiting for a gap to fill. */
    synchronized int waiting() {
        return ahead.size();
    }
}
