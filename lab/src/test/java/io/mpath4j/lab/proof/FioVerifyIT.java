package io.mpath4j.lab.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The torture's fio job against real nbdkit exports: on a memory disk it reads back and checks what
 * it wrote (verify reads counted), and on nbdkit's null plugin, which drops writes and reads zeroes
 * (a lying disk), the same job and parser report the bad blocks: the torture's fio check can fail.
 */
class FioVerifyIT {

    private static FioVerify.Result fioAgainst(String plugin) {
        PeerProcess.requireTool("fio");
        int port = PeerProcess.freePort();
        try (PeerProcess nbdkit = PeerProcess.startServer(List.of("nbdkit", "-f", "-p", Integer.toString(port), "-i",
                "127.0.0.1", plugin, "64M"), "127.0.0.1", port, Duration.ofSeconds(10))) {
            PeerProcess.Result r = PeerProcess.run(FioVerify.command("nbd://127.0.0.1:" + port + "/", 16L << 20, 16L << 20,
                    Duration.ofSeconds(3)), Duration.ofSeconds(60));
            return FioVerify.parse(r.exitCode(), r.output());
        }
    }

    @Test
    void aGoodDiskIsWrittenAndEveryWriteReadBack() {
        FioVerify.Result r = fioAgainst("memory");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.writes()).isPositive();
        assertThat(r.verifyReads()).as("the job only writes: its reads are verify reads").isPositive();
        assertThat(r.verifyBad()).isFalse();
        assertThat(r.passed()).isTrue();
    }

    @Test
    void aDiskThatLosesWritesFailsTheVerify() {
        FioVerify.Result r = fioAgainst("null");
        assertThat(r.verifyBad()).as(r.toString()).isTrue();
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.passed()).isFalse();
    }
}
