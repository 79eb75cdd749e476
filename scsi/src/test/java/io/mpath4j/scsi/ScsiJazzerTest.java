package io.mpath4j.scsi;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Coverage-guided fuzzing of the SCSI decoders: CDBs, sense data, VPD pages, WWID selection,
 * READ CAPACITY, REPORT LUNS, RTPG, PR data and the status/sense classifier (the first byte
 * picks the decoder; oracle: {@link ScsiFuzzTest#check}). Replays the regression corpus in a
 * normal run; fuzzes with JAZZER_FUZZ=1 (bench/fuzz.sh).
 */
class ScsiJazzerTest {

    private static final List<ScsiFuzzTest.Target> TARGETS = ScsiFuzzTest.targets();

    @FuzzTest(maxDuration = "30s")
    void decodersGiveAValueOrScsiFormatException(FuzzedDataProvider data) {
        ScsiFuzzTest.Target target = TARGETS.get(data.consumeInt(0, TARGETS.size() - 1));
        ScsiFuzzTest.check(target, data.consumeRemainingAsBytes(), -1);
    }
}
