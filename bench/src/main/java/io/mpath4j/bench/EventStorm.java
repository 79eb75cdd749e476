package io.mpath4j.bench;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.sim.SimulatedPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded storm of path state changes, issued as fast as possible from several threads: random
 * connection loss / restore ({@code setDown}/{@code setUp}) and ALUA access state changes with
 * notification ({@code setAccessState(state, true)}) on random paths.
 *
 * <p>Each path belongs to exactly one storm thread (global path index modulo the thread count).
 * A {@link SimulatedPath} changes its state and emits the event in two steps, so two threads
 * flipping the same path could deliver its events in another order than they changed the state;
 * that would be a race of the fixture, not of the engine, and the final state the harness expects
 * would be ill-defined. One writer per path keeps both orders the same.
 */
final class EventStorm {

    /** The access states the storm moves paths between (transitioning and offline are left out: they change queueing, not grouping). */
    private static final AccessState[] STATES = {
        AccessState.OPTIMIZED, AccessState.NON_OPTIMIZED, AccessState.STANDBY, AccessState.UNAVAILABLE
    };

    final LongAdder downs = new LongAdder();
    final LongAdder ups = new LongAdder();
    final LongAdder accessChanges = new LongAdder();

    private final SimulatedPath[][] paths;
    private final int threads;
    private final int events;
    private final long seed;

    EventStorm(SimulatedPath[][] paths, int threads, int events, long seed) {
        this.paths = paths;
        this.threads = threads;
        this.events = events;
        this.seed = seed;
    }

    /** Runs the storm on {@code threads} new threads and returns when every event was issued. */
    void run() throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            int count = events / threads + (t < events % threads ? 1 : 0);
            workers.add(Thread.ofPlatform().name("storm-" + t).start(() -> issue(me, count)));
        }
        for (Thread w : workers) {
            w.join();
        }
    }

    private void issue(int me, int count) {
        Random random = new Random(seed + me);
        int perDevice = paths[0].length;
        int total = paths.length * perDevice;
        int mine = (total - me + threads - 1) / threads; // paths with global index ≡ me (mod threads)
        for (int i = 0; i < count; i++) { // bounded: exactly `count` events
            int global = me + threads * random.nextInt(mine);
            SimulatedPath path = paths[global / perDevice][global % perDevice];
            if (random.nextBoolean()) {
                if (path.isDown()) {
                    path.setUp();
                    ups.increment();
                } else {
                    path.setDown("storm");
                    downs.increment();
                }
            } else {
                // Any state but the current one (every path starts in one of STATES and stays in them).
                int current = List.of(STATES).indexOf(path.accessState());
                AccessState next = STATES[(current + 1 + random.nextInt(STATES.length - 1)) % STATES.length];
                path.setAccessState(next, true);
                accessChanges.increment();
            }
        }
    }
}
