package io.mpath4j.lab.lu;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The active {@link Fault}s of one logical unit; the first matching one fires and counts down. */
final class Faults {

    private static final class Active {
        final Fault fault;
        long left;

        Active(Fault fault) {
            this.fault = fault;
            this.left = fault.count();
        }
    }

    private final List<Active> active = new ArrayList<>();

    synchronized void add(Fault f) {
        active.add(new Active(f));
    }

    synchronized void clear() {
        active.clear();
    }

    synchronized int size() {
        return active.size();
    }

    /** The result of the first fault matching {@code opcode}, consuming one of its count; null when none. */
    synchronized TaskResult fire(int opcode) {
        for (Iterator<Active> it = active.iterator(); it.hasNext(); ) {
            Active a = it.next();
            if (a.fault.matches(opcode)) {
                if (a.left != Fault.FOREVER && --a.left == 0) {
                    it.remove();
                }
                return a.fault.result();
            }
        }
        return null;
    }
}
