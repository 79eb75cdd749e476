package io.mpath4j.lab.proof;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Parsing fio's normal output: the counts the torture asserts on. */
class FioVerifyTest {

    private static final String CLEAN = """
            torture: (groupid=0, jobs=2): err= 0: pid=1: Sun Nov 22 08:31:02 2026
              read: IOPS=48.3k, BW=189MiB/s (198MB/s)(658MiB/3485msec)
              write: IOPS=2517, BW=9.83MiB/s (10.3MB/s)(192MiB/20014msec); 0 zone resets
                 issued rwts: total=44151,49408,0,0 short=0,0,0,0 dropped=0,0,0,0
            """;

    @Test
    void countsVerifyReadsWritesAndErrors() {
        FioVerify.Result r = FioVerify.parse(0, CLEAN);
        assertThat(r.verifyReads()).isEqualTo(44151);
        assertThat(r.writes()).isEqualTo(49408);
        assertThat(r.errors()).isZero();
        assertThat(r.verifyBad()).isFalse();
        assertThat(r.summary()).isEqualTo("read IOPS=48.3k, write IOPS=2517");
        assertThat(r.passed()).isTrue();
    }

    @Test
    void aJobThatNeverReadBackDoesNotPass() {
        FioVerify.Result r = FioVerify.parse(0, CLEAN.replace("total=44151,", "total=0,"));
        assertThat(r.verifyReads()).isZero();
        assertThat(r.passed()).as("writes alone prove nothing").isFalse();
    }

    @Test
    void aBadBlockOrAnErrorFails() {
        String bad = "verify: bad magic header 0, wanted acca at file torture.0.0 offset 30920704, length 4096\n"
                + CLEAN.replace("err= 0", "err=84");
        FioVerify.Result r = FioVerify.parse(1, bad);
        assertThat(r.verifyBad()).isTrue();
        assertThat(r.errors()).isEqualTo(84);
        assertThat(r.passed()).isFalse();
    }
}
