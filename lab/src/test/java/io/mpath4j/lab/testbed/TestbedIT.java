package io.mpath4j.lab.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * lab/testbed/testbed.sh for real: two paths as network namespaces with veth pairs, an nbdkit
 * inside each target namespace serving one file, nbdinfo and nbdcopy inside the initiator
 * namespace; a cut path is unreachable, a restored one reachable, a rate-limited one slow, a delayed
 * one late (or, on a kernel without netem, the delay refused with a clear message and the path as it
 * was), and destroy leaves nothing behind. Needs root: as any other user the test is skipped, with the
 * reason. The bed has its own prefix (and is destroyed after the test, also on failure), so it
 * never meets a bed someone made by hand.
 */
class TestbedIT {

    private static final int NBD_PORT = 10809;
    private final String prefix = Testbed.uniquePrefix("mp4j");
    private Testbed bed;
    private Path file;

    @BeforeEach
    void root() throws IOException {
        Testbed.assumeAvailable();
        PeerProcess.requireTool("nbdkit");
        PeerProcess.requireTool("nbdinfo");
        PeerProcess.requireTool("nbdcopy");
        file = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-testbed-", ".img");
        byte[] data = new byte[8 << 20]; // not sparse: nbdcopy skips holes it learns of from the extents
        new Random(5).nextBytes(data);
        Files.write(file, data);
    }

    @AfterEach
    void destroy() throws IOException {
        if (bed != null) {
            bed.close(); // also after a failure
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    /** nbdinfo inside the initiator namespace, given up by timeout(1) after {@code seconds} (exit 124). */
    private PeerProcess.Result nbdinfo(int path, int seconds) {
        return bed.run("run-init", "timeout", Integer.toString(seconds), "nbdinfo", "--size",
                "nbd://" + bed.addr(path) + ":" + NBD_PORT);
    }

    private void awaitReachable(int path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        PeerProcess.Result r = nbdinfo(path, 2);
        while (r.exitCode() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = nbdinfo(path, 2);
        }
        assertThat(r.exitCode()).as("nbdinfo to path %d: %s", path, r.output()).isZero();
        assertThat(r.output().strip()).isEqualTo(Long.toString(8 << 20));
    }

    @Test
    void cutRestoreRateAndDestroy() throws Exception {
        bed = Testbed.create(prefix, 2);
        assertThat(bed.run("status").output()).contains(prefix + "-init", prefix + "i1", "10.200.1.1/30", prefix + "-t1",
                prefix + "t1", "10.200.1.2/30", prefix + "-t2", "10.200.2.2/30");
        assertThat(namespaces()).containsExactlyInAnyOrder(prefix + "-init", prefix + "-t1", prefix + "-t2");
        assertThat(bed.run("create", "2").exitCode()).as("a second create of the same bed is refused").isEqualTo(2);

        List<PeerProcess> servers = List.of(nbdkitIn(1), nbdkitIn(2));
        awaitReachable(1);
        awaitReachable(2);

        bed.run("cut", "1").requireSuccess("cut 1");
        PeerProcess.Result cut = nbdinfo(1, 3);
        assertThat(cut.exitCode()).as("a cut path is unreachable: %s", cut.output()).isNotZero();
        awaitReachable(2);

        bed.run("restore", "1").requireSuccess("restore 1");
        awaitReachable(1);

        bed.run("rate", "1", "16mbit").requireSuccess("rate 1 16mbit");
        assertThat(bed.run("status").output()).contains("htb");
        long start = System.nanoTime();
        bed.run("run-init", "timeout", "60", "nbdcopy", "nbd://" + bed.addr(1) + ":" + NBD_PORT, "null:").requireSuccess("nbdcopy");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("TestbedIT: 8 MiB read over path 1 at 16mbit (2 MB/s) in %.2f s%n", seconds);
        // 8 MiB at 2 MB/s is 4.2 s; htb never runs ahead of its rate by more than a burst
        assertThat(seconds).isGreaterThan(3.0);
        assertThat(bed.run("rate", "1", "fast").exitCode()).as("a rate tc would not take is refused").isEqualTo(2);
        bed.run("rate", "1", "off").requireSuccess("rate 1 off");
        assertThat(bed.run("status").output()).doesNotContain("htb");

        bed.run("destroy").requireSuccess("destroy");
        assertThat(namespaces()).isEmpty();
        assertThat(PeerProcess.run(List.of("ip", "-o", "link", "show"), Duration.ofSeconds(5)).output())
                .as("no veth of ours in the root namespace").doesNotContain(prefix);
        for (PeerProcess s : servers) {
            s.kill(); // reaps the process destroy killed
            assertThat(s.isAlive()).isFalse();
        }
        assertThat(bed.run("destroy").exitCode()).as("destroy is idempotent").isZero();
        assertThat(bed.run("status").output().strip()).isEqualTo("test bed '" + prefix + "': none");
    }

    @Test
    void aSharedBedReachesOneTargetProcessThroughEachLinkAndCutsOneLinkOnly() throws Exception {
        bed = Testbed.create(prefix, 2, true);
        assertThat(namespaces()).containsExactlyInAnyOrder(prefix + "-init", prefix + "-t");
        assertThat(bed.run("create", "2", "mixed").exitCode()).as("a bad mode is refused").isEqualTo(2);
        // one nbdkit on every address of the one target namespace: both links lead to it
        bed.start("run-target", "2", "nbdkit", "-f", "--exit-with-parent", "-p", Integer.toString(NBD_PORT), "file",
                file.toString());
        awaitReachable(1);
        awaitReachable(2);
        bed.run("cut", "2").requireSuccess("cut 2");
        assertThat(nbdinfo(2, 3).exitCode()).as("the cut link").isNotZero();
        assertThat(nbdinfo(1, 3).exitCode()).as("the other link to the same process").isZero();
        bed.run("restore", "2").requireSuccess("restore 2");
        awaitReachable(2);
        assertThat(bed.run("cut", "3").exitCode()).as("no path 3").isEqualTo(2);
        bed.run("destroy").requireSuccess("destroy");
        assertThat(namespaces()).isEmpty();
    }

    @Test
    void delayOnALinkOrAClearRefusal() throws Exception {
        bed = Testbed.create(prefix, 1);
        nbdkitIn(1);
        awaitReachable(1);
        PeerProcess.Result badMs = bed.run("delay", "1", "soon");
        assertThat(badMs.exitCode()).isEqualTo(2);
        assertThat(badMs.output()).contains("whole milliseconds");
        assertThat(bed.run("delay", "7", "5").exitCode()).as("no path 7").isEqualTo(2);

        // the oracle, independent of the command under test: can this kernel make a netem qdisc at all?
        PeerProcess.Result probe = bed.run("run-init", "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms");
        boolean netem = probe.exitCode() == 0;
        if (netem) {
            bed.run("run-init", "tc", "qdisc", "del", "dev", "lo", "root").requireSuccess("remove the probe");
        }
        PeerProcess.Result delay = bed.run("delay", "1", "40");
        if (netem) {
            delay.requireSuccess("delay 1 40");
            assertThat(bed.run("status").output()).contains("netem");
            long start = System.nanoTime();
            awaitReachable(1);
            double seconds = (System.nanoTime() - start) / 1e9;
            // TCP's handshake and NBD's greeting and option reply: at least 3 replies, each 40 ms late
            assertThat(seconds).isGreaterThan(0.12);
            bed.run("delay", "1", "off").requireSuccess("delay 1 off");
            assertThat(bed.run("status").output()).doesNotContain("netem");
        } else {
            System.out.println("TestbedIT: this kernel has no netem: " + probe.output().strip());
            assertThat(delay.exitCode()).isEqualTo(2);
            assertThat(delay.output()).contains("no netem", "fault proxy");
            assertThat(bed.run("status").output()).doesNotContain("netem");
        }
        awaitReachable(1); // undelayed (or never delayed) the path works as before
    }

    private PeerProcess nbdkitIn(int path) {
        return bed.start("run-target", Integer.toString(path), "nbdkit", "-f", "--exit-with-parent", "-i", bed.addr(path),
                "-p", Integer.toString(NBD_PORT), "file", file.toString());
    }

    private List<String> namespaces() {
        return PeerProcess.run(List.of("ip", "netns", "list"), Duration.ofSeconds(5)).requireSuccess("ip netns list").output()
                .lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(prefix + "-")).toList();
    }
}
