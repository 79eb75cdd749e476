package io.mpath4j.daemon.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the multipath.conf parser and loader (oracle: {@link ConfigFuzzTest#check}):
 * the input is either raw text or one of the real-world-shaped files with fuzzer-chosen tokens spliced
 * in, so the fuzzer starts from deep inside the grammar. Replays the regression corpus in a normal run;
 * fuzzes with JAZZER_FUZZ=1 (bench/fuzz.sh).
 */
class ConfigJazzerTest {

    @FuzzTest(maxDuration = "30s")
    void anyTextGivesAConfigurationOrDiagnostics(FuzzedDataProvider data) {
        String text;
        if (data.consumeBoolean()) {
            StringBuilder s = new StringBuilder(ConfigFuzzTest.seed(
                    ConfigFuzzTest.SEEDS.get(data.consumeInt(0, ConfigFuzzTest.SEEDS.size() - 1))));
            int splices = data.consumeInt(0, 8);
            for (int i = 0; i < splices && !s.isEmpty(); i++) {
                int at = data.consumeInt(0, s.length());
                s.insert(at, data.consumeBoolean()
                        ? ConfigFuzzTest.TOKENS.get(data.consumeInt(0, ConfigFuzzTest.TOKENS.size() - 1))
                        : data.consumeString(16));
            }
            text = s.toString();
        } else {
            text = data.consumeRemainingAsString();
        }
        ConfigFuzzTest.check(text);
    }
}
