package io.mpath4j.lab.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.lab.target.LabTarget;
import io.mpath4j.lab.target.MemoryDisk;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * All paths down (issue 7): both portals of a lab target reset and refusing connections. With
 * {@code no_path_retry queue} the I/O in flight and the I/O submitted meanwhile wait (within the
 * queue caps: what is beyond is refused at once, with the numbers) and complete after a portal
 * returns, every block as written; with {@code no_path_retry 5} queued I/O fails when 5 polling
 * intervals have passed, not before, and without a hang.
 */
class AllPathsDownIT {

    static final String IQN = "iqn.2026-11.io.mpath4j:down";
    static final Duration POLL = Duration.ofMillis(200);
    static final int BLOCK = 65536;

    private final MemoryDisk disk = new MemoryDisk(64 << 20, 512, "down1");
    private LabTarget target;
    private List<IscsiPath> paths = List.of();
    private MultipathDevice device;

    void start(NoPathRetry retry) throws Exception {
        target = LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1).portal("127.0.0.2", 0, 1, 2, 1)
                .target(IQN, disk, MemoryDisk.LUN).start();
        IscsiPaths.Result r = IscsiPaths.connect(List.of(IscsiUri.parse(target.uri(0, IQN, 0)),
                IscsiUri.parse(target.uri(1, IQN, 0))), FailoverTiming.options());
        paths = r.paths();
        assertThat(paths).as("%s", r.warnings()).hasSize(2);
        device = new MultipathDevice("mpath-down", DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("multibus"))
                .withNoPathRetry(retry)
                .withPollingInterval(POLL)
                .withQueueLimits(4L << 20, 64) // at most 64 requests / 4 MiB wait
                .withFlapDamping(FlapDamping.DISABLED),
                Engine.system(new MonitorConfig(POLL, POLL.multipliedBy(4), Duration.ofSeconds(2))), paths);
    }

    @AfterEach
    void stop() {
        if (device != null) {
            device.close();
        }
        paths.forEach(IscsiPath::close);
        if (target != null) {
            target.close();
        }
    }

    private void allPortalsDown() throws Exception {
        target.faults(0).reset(true);
        target.faults(1).reset(true);
        assertThat(GhostWriteTrial.waitFor(15, () -> device.topology().usablePathCount() == 0)).isTrue();
    }

    static byte[] pattern(int i) {
        byte[] b = new byte[BLOCK];
        Arrays.fill(b, (byte) (i * 7 + 1));
        ByteBuffer.wrap(b).putInt(i);
        return b;
    }

    @Test
    void queuedIoCompletesAfterAPathReturnsAndNothingIsLost() throws Exception {
        start(new NoPathRetry.Queue());
        // writes in flight when the portals go (the target delays them): 16, each 64 KiB at a block of its own
        target.faults(0).latency(Duration.ofMillis(400), Duration.ZERO);
        target.faults(1).latency(Duration.ofMillis(400), Duration.ZERO);
        List<CompletableFuture<IoStatus>> early = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            early.add(device.submit(new IoRequest.Write((long) i * BLOCK, ByteBuffer.wrap(pattern(i)), false)));
        }
        Thread.sleep(100);
        allPortalsDown();
        target.faults(0).clear();
        target.faults(1).clear();
        // more while every path is down: 100 writes, beyond the cap of 64 requests
        List<CompletableFuture<IoStatus>> late = new ArrayList<>();
        for (int i = 16; i < 116; i++) {
            late.add(device.submit(new IoRequest.Write((long) i * BLOCK, ByteBuffer.wrap(pattern(i)), false)));
        }
        Thread.sleep(1000);
        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < late.size(); i++) {
            IoStatus s = late.get(i).getNow(null);
            if (s != null) {
                assertThat(s.isOk()).as("nothing completes OK while every path is down: %s", s).isFalse();
                refused.add(16 + i);
            }
        }
        System.out.printf("all paths down: %d of 100 new writes refused by the queue cap: %s%n", refused.size(),
                late.get(refused.getLast() - 16).getNow(null));
        assertThat(refused).as("the queue holds at most 64 requests").hasSizeGreaterThanOrEqualTo(100 - 64);
        assertThat(early).as("the writes that were in flight wait").noneMatch(CompletableFuture::isDone);

        target.faults(0).acceptNew();
        target.faults(1).acceptNew();
        for (int i = 0; i < 16; i++) {
            assertThat(early.get(i).get(60, TimeUnit.SECONDS)).as("in-flight write %d", i).isEqualTo(IoStatus.OK);
        }
        for (int i = 16; i < 116; i++) {
            if (!refused.contains(i)) {
                assertThat(late.get(i - 16).get(60, TimeUnit.SECONDS)).as("queued write %d", i).isEqualTo(IoStatus.OK);
            }
        }
        for (int i = 0; i < 116; i++) {
            byte[] want = refused.contains(i) ? new byte[BLOCK] : pattern(i);
            assertThat(disk.read((long) i * BLOCK, BLOCK)).as("block %d", i).isEqualTo(want);
        }
        System.out.printf("all paths down: %d writes queued and completed after the portals returned%n",
                116 - refused.size());
    }

    @Test
    void boundedQueueingFailsWhenTheBudgetEndsNotBefore() throws Exception {
        start(new NoPathRetry.Retries(5)); // 5 x 200 ms
        allPortalsDown();
        long down = System.nanoTime();
        IoStatus s = device.submit(new IoRequest.Read(0, ByteBuffer.allocate(4096))).get(30, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down);
        System.out.printf("no_path_retry 5 x %d ms: queued read failed after %d ms: %s%n", POLL.toMillis(), ms, s);
        assertThat(s.isOk()).isFalse();
        // the budget counts from the last path's loss, seen here a little later: one interval of slack below
        assertThat(ms).isGreaterThanOrEqualTo(5 * POLL.toMillis() - POLL.toMillis());
        // after the budget new I/O fails at once
        IoStatus again = device.submit(new IoRequest.Read(0, ByteBuffer.allocate(4096))).get(5, TimeUnit.SECONDS);
        assertThat(again.isOk()).isFalse();
        target.faults(0).acceptNew();
        target.faults(1).acceptNew();
        assertThat(GhostWriteTrial.waitFor(20, () -> device.topology().usablePathCount() > 0)).isTrue();
        assertThat(device.submit(new IoRequest.Read(0, ByteBuffer.allocate(4096))).get(30, TimeUnit.SECONDS))
                .isEqualTo(IoStatus.OK);
    }
}
