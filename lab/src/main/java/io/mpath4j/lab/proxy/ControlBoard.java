package io.mpath4j.lab.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The current {@link ProxyControl} and a signal for its changes. Pumps that wait (for a chunk's
 * release time, for tokens, for the end of a blackhole) wait here, so that a control change is felt
 * at once and not after the wait they computed under the old controls.
 */
final class ControlBoard {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile ProxyControl control;

    ControlBoard(ProxyControl initial) {
        this.control = initial;
    }

    ProxyControl get() {
        return control;
    }

    ProxyControl update(UnaryOperator<ProxyControl> change) {
        lock.lock();
        try {
            control = change.apply(control);
            changed.signalAll();
            return control;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos}, or less if the controls are no longer {@code seen}. */
    void awaitChange(ProxyControl seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            if (control == seen && nanos > 0) {
                changed.awaitNanos(Math.min(nanos, TimeUnit.SECONDS.toNanos(1)));
            }
        } finally {
            lock.unlock();
        }
    }
}
