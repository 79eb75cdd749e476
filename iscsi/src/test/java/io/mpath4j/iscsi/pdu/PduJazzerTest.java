package io.mpath4j.iscsi.pdu;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the PDU decoder with Jazzer. In a normal test run this replays the
 * inputs under src/test/resources/io/mpath4j/iscsi/pdu/PduJazzerTestInputs/ (the regression
 * corpus: every crash found becomes a file there); with JAZZER_FUZZ=1 it fuzzes (bench/fuzz.sh).
 * The oracle is {@link PduFuzzTest#check}: a PDU, "need more" or a declared protocol error.
 */
class PduJazzerTest {

    @FuzzTest(maxDuration = "30s")
    void decodersAcceptOnlyDeclaredOutcomes(byte[] input) {
        for (IscsiDecoder d : PduFuzzTest.DECODERS) {
            PduFuzzTest.check(d, input, -1);
        }
    }
}
