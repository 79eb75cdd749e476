package io.mpath4j.nbd.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Coverage-guided fuzzing of every NBD decoder, the server's request stream among them (the
 * first byte picks the decoder; oracle: {@link NbdFuzzTest#check}). Replays the regression
 * corpus in a normal run; fuzzes with JAZZER_FUZZ=1 (bench/fuzz.sh).
 */
class NbdJazzerTest {

    private static final List<NbdFuzzTest.Target> TARGETS = NbdFuzzTest.targets();

    @FuzzTest(maxDuration = "30s")
    void decodersGiveResultsNeedMoreOrProtocolErrors(FuzzedDataProvider data) {
        NbdFuzzTest.Target target = TARGETS.get(data.consumeInt(0, TARGETS.size() - 1));
        NbdFuzzTest.check(target, data.consumeRemainingAsBytes(), -1);
    }
}
