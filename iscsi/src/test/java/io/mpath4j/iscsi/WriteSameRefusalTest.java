package io.mpath4j.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.iscsi.session.ScsiResult;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import org.junit.jupiter.api.Test;

/** When IscsiPath gives up WRITE SAME(16) for zero-buffer WRITEs: only on "not this command". */
class WriteSameRefusalTest {

    private static ScsiResult checkCondition(SenseKey key, int asc, int ascq) {
        return new ScsiResult.Completed(0x02, SenseData.of(key, asc, ascq).encode(), false, false, 0, 0);
    }

    @Test
    void invalidOpcodeOrInvalidFieldInCdbMeanTheUnitDoesNotDoIt() {
        assertThat(IscsiPath.refusesCommand(checkCondition(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00))).isTrue();
        assertThat(IscsiPath.refusesCommand(checkCondition(SenseKey.ILLEGAL_REQUEST, 0x24, 0x00))).isTrue();
    }

    @Test
    void otherErrorsAreReportedNotWorkedAround() {
        // LBA out of range is the caller's error, not a missing command
        assertThat(IscsiPath.refusesCommand(checkCondition(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00))).isFalse();
        assertThat(IscsiPath.refusesCommand(checkCondition(SenseKey.MEDIUM_ERROR, 0x11, 0x00))).isFalse();
        assertThat(IscsiPath.refusesCommand(new ScsiResult.Completed(0x00, new byte[0], false, false, 0, 0))).isFalse();
        assertThat(IscsiPath.refusesCommand(new ScsiResult.Completed(0x02, new byte[0], false, false, 0, 0))).isFalse();
        assertThat(IscsiPath.refusesCommand(new ScsiResult.Failed("connection lost", true))).isFalse();
    }
}
