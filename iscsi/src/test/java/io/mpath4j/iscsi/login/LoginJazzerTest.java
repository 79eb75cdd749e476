package io.mpath4j.iscsi.login;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of login text: key=value decoding, SendTargets parsing and the
 * initiator's negotiation (oracle: {@link LoginFuzzTest#check}). Replays the regression corpus in
 * a normal run; fuzzes with JAZZER_FUZZ=1 (bench/fuzz.sh).
 */
class LoginJazzerTest {

    @FuzzTest(maxDuration = "30s")
    void loginTextGivesResultsOrNegotiationExceptions(byte[] text) {
        LoginFuzzTest.check(text, -1);
    }
}
