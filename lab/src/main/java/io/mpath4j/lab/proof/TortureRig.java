package io.mpath4j.lab.proof;

import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiUri;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The target side of a torture: N iSCSI paths to one logical unit and the faults it can inject
 * on one path at a time. A lasting fault is healed before {@link #inject} returns, so that at least
 * one path is always fine (the run proves failover, not all-paths-down queueing).
 */
public sealed interface TortureRig extends AutoCloseable permits LabRig, TgtRig {

    /** One line: which target, how many paths, how faults are made. */
    String describe();

    List<IscsiUri> uris();

    /** The faults a cycle picks from. */
    List<TortureFault> faults();

    /** What this rig cannot do, for the report (e.g. "tgt has no ALUA: no flips"). */
    List<String> notes();

    /** Injects {@code fault} on path {@code path} (0-based) and heals it; returns what was done. */
    String inject(TortureFault fault, int path, Random random) throws Exception;

    /** Ends every fault still in effect (the run is over or failed). */
    void clearFaults();

    /** Short timeouts, so that a silent path is noticed within ~2 s (NOP-Out) and a fence fails within 10 s. */
    static IscsiOptions options() {
        return IscsiOptions.defaults()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10))
                .withNop(Duration.ofMillis(250), Duration.ofMillis(1000))
                .withReconnect(Duration.ofMillis(20), Duration.ofMillis(200))
                .withFenceTimeout(Duration.ofSeconds(10));
    }

    /** 1–2 s, how long a lasting fault lasts. */
    static Duration hold(Random random) {
        return Duration.ofMillis(1000 + random.nextInt(1000));
    }
}
