package io.mpath4j.lab.proxy;

import java.util.concurrent.atomic.LongAdder;

/** The proxy's running counters; {@link #snapshot} turns them into a {@link ProxyCounters}. */
final class Tally {
    final LongAdder accepted = new LongAdder();
    final LongAdder upstreamFailures = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder toUpstream = new LongAdder();
    final LongAdder toClient = new LongAdder();
    final LongAdder dropped = new LongAdder();

    LongAdder forwarded(Direction d) {
        return d == Direction.TO_UPSTREAM ? toUpstream : toClient;
    }

    ProxyCounters snapshot(long active) {
        return new ProxyCounters(accepted.sum(), active, upstreamFailures.sum(), resets.sum(), toUpstream.sum(),
                toClient.sum(), dropped.sum());
    }
}
