package io.mpath4j.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The iscsi-test-cu output shapes seen on these machines (lab target and tgt runs). */
class CunitReportTest {

    private static final String OUTPUT = """
            Suite: CompareAndWrite
              Test: Simple ...passed
              Test: InvalidDataOutSize ...    [SKIPPED] LBPPB < 2. Skipping test
            passed
            Suite: GetLBAStatus
              Test: BeyondEol ...    [FAILED] GET_LBA_STATUS successful but should have failed
            FAILED
                1. test_get_lba_status_beyond_eol.c:44  - CU_ASSERT_EQUAL(ret,0)
            Suite: iSCSITMF
              Test: LUNReset ...passed    [FAILED] PRIN command: failed with sense. SENSE KEY:UNIT_ATTENTION(6)
                [FAILED] PRIN command: failed with sense.
            Suite: MultipathIO
              Test: CompareAndWriteAsync ...FAILED
                2. test_multipathio_async_caw.c:45  - CU_ASSERT_EQUAL(atask->sense.key,SCSI_SENSE_MISCOMPARE)

            Run Summary:    Type  Total    Ran Passed Failed Inactive
                          suites     4      4    n/a      0        0
                           tests     5      5      3      2        0
            """;

    @Test
    void countsSkippedTestsApartFromPassedOnesAndLoggedFailuresAsNoVerdict() {
        CunitReport r = CunitReport.parse(OUTPUT);
        assertThat(r.ran()).isEqualTo(5);
        assertThat(r.passed()).isEqualTo(3);
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.tests()).extracting(CunitReport.TestResult::verdict).containsExactly(CunitReport.Verdict.PASSED,
                CunitReport.Verdict.SKIPPED, CunitReport.Verdict.FAILED, CunitReport.Verdict.PASSED,
                CunitReport.Verdict.FAILED);
        assertThat(r.bySuite().get("CompareAndWrite")).isEqualTo(new CunitReport.SuiteCounts(1, 0, 1));
        assertThat(r.bySuite().get("iSCSITMF")).isEqualTo(new CunitReport.SuiteCounts(1, 0, 0));
        assertThat(r.table()).contains("| MultipathIO | 0 | 1 | 0 |");
    }

    @Test
    void outputWithoutASummaryIsAnError() {
        assertThatThrownBy(() -> CunitReport.parse("iscsi_connect failed")).hasMessageStartingWith("no CUnit Run Summary");
    }
}
