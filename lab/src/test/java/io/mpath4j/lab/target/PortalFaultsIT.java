package io.mpath4j.lab.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.session.IscsiSession;
import io.mpath4j.iscsi.session.ScsiCommand;
import io.mpath4j.iscsi.session.ScsiResult;
import io.mpath4j.iscsi.session.TmfResponse;
import io.mpath4j.scsi.cdb.Cdb;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Portal faults and task management seen by our own initiator: a blackholed portal is a silent
 * loss that only the NOP-Out timeout finds; a reset portal is reconnected to; a held write lands
 * after its delay even though the initiator gave up on it, or, fenced, before a reinstatement
 * completes; ABORT TASK and LOGICAL UNIT RESET of a slow command.
 */
class PortalFaultsIT {

    static final String IQN = LabTargetIT.IQN;
    // NOP-Out after 300 ms of silence; 2 s to answer: short for the blackhole test, long enough for a loaded machine
    static final IscsiOptions OPTIONS = LabTargetIT.OPTIONS.withNop(Duration.ofMillis(300), Duration.ofSeconds(2));

    private final Closers closers = new Closers();
    private MemoryDisk disk;
    private LabTarget target;

    @AfterEach
    void cleanUp() {
        closers.close();
    }

    void start() throws Exception {
        disk = new MemoryDisk(16 << 20, 512, "fault1");
        target = LabTargetIT.twoPortals(disk).start();
        closers.add(target);
    }

    IscsiSession session(long isid, CompletableFuture<String> down) throws Exception {
        IscsiSession s = IscsiSession.open(IscsiUri.parse(target.uri(0, IQN, 0)), OPTIONS, isid,
                x -> down.complete(x.closeReason()), null);
        closers.add(s::close);
        return s;
    }

    /** Polls {@code condition} every 20 ms for at most {@code seconds}: a bound, not a timing assertion. */
    static boolean eventually(int seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    @Test
    void blackholeIsASilentLossFoundOnlyByTheNopTimeout() throws Exception {
        start();
        CompletableFuture<String> down = new CompletableFuture<>();
        IscsiSession s = session(1, down);
        assertThat(LabTargetIT.tur(s)).isZero();
        PortalFaults f = target.faults(0);
        f.blackhole(true);
        assertThat(down.get(15, TimeUnit.SECONDS)).contains("NOP-Out");
        // the target neither read the initiator's FIN nor closed: the connection looked alive to it
        assertThat(f.connections()).isEqualTo(1);
        f.blackhole(false);
        assertThat(eventually(10, () -> f.connections() == 0)).as("healed, the target sees the close").isTrue();
        assertThat(LabTargetIT.tur(session(2, new CompletableFuture<>()))).isZero();
    }

    @Test
    void resetDropsEveryConnectionAndRefusesNewOnesUntilAllowed() throws Exception {
        start();
        IscsiPath p = IscsiPath.connect(IscsiUri.parse(target.uri(0, IQN, 0)), OPTIONS);
        closers.add(p);
        PortalFaults f = target.faults(0);
        f.reset(true);
        assertThat(f.isListening()).isFalse();
        assertThatThrownBy(() -> IscsiSession.open(IscsiUri.parse(target.uri(0, IQN, 0)), OPTIONS, 3, x -> { }, null))
                .isInstanceOf(IOException.class);
        assertThat(eventually(10, () -> !p.isConnected())).isTrue();
        f.acceptNew();
        assertThat(eventually(15, p::isConnected)).as("the path reconnected").isTrue();
        byte[] data = new byte[4096];
        new Random(3).nextBytes(data);
        assertThat(LabTargetIT.io(p, new IoRequest.Write(0, ByteBuffer.wrap(data), false))).isEqualTo(IoStatus.OK);
        assertThat(disk.read(0, 4096)).isEqualTo(data);
        // a plain reset: the path comes back by itself
        f.reset(false);
        assertThat(eventually(15, () -> p.isConnected() && target.sessionCount() == 1)).isTrue();
        assertThat(LabTargetIT.io(p, new IoRequest.Read(0, ByteBuffer.allocate(4096)))).isEqualTo(IoStatus.OK);
    }

    @Test
    void asynchronousLogoutRequestAndSessionDrop() throws Exception {
        start();
        CompletableFuture<Integer> event = new CompletableFuture<>();
        CompletableFuture<String> down = new CompletableFuture<>();
        IscsiSession s = IscsiSession.open(IscsiUri.parse(target.uri(0, IQN, 0)), OPTIONS, 7,
                x -> down.complete(x.closeReason()), (x, m) -> event.complete(m.asyncEvent()));
        closers.add(s::close);
        assertThat(LabTargetIT.tur(s)).isZero();
        assertThat(target.faults(0).requestLogout(Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(event.get(10, TimeUnit.SECONDS)).isEqualTo(io.mpath4j.iscsi.pdu.Pdu.AsyncEvent.LOGOUT_REQUESTED);
        assertThat(down.get(10, TimeUnit.SECONDS)).as("our initiator logs out when asked").isNotEmpty();
        assertThat(eventually(10, () -> target.sessionCount() == 0)).isTrue();

        CompletableFuture<String> down2 = new CompletableFuture<>();
        CompletableFuture<Integer> event2 = new CompletableFuture<>();
        IscsiSession s2 = IscsiSession.open(IscsiUri.parse(target.uri(0, IQN, 0)), OPTIONS, 8,
                x -> down2.complete(x.closeReason()), (x, m) -> event2.complete(m.asyncEvent()));
        closers.add(s2::close);
        assertThat(LabTargetIT.tur(s2)).isZero();
        assertThat(target.faults(0).dropSessions(0)).isEqualTo(1);
        assertThat(event2.get(10, TimeUnit.SECONDS)).isEqualTo(io.mpath4j.iscsi.pdu.Pdu.AsyncEvent.SESSION_DROP);
        assertThat(down2.get(10, TimeUnit.SECONDS)).isNotEmpty();
    }

    static byte[] block(int fill) {
        byte[] b = new byte[512];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void aHeldWriteLandsAfterItsDelayAlthoughTheInitiatorGaveUp() throws Exception {
        start();
        IscsiSession s = session(4, new CompletableFuture<>());
        target.faults(0).holdNextWrite(100, 100, Duration.ofSeconds(5), PortalFaults.HeldWrite.Fencing.IGNORED);
        CompletableFuture<ScsiResult> w = s.execute(ScsiCommand.write(0, new Cdb.Write10(100, 1, false).encode(),
                ByteBuffer.wrap(block(0x5a))));
        assertThat(eventually(5, () -> !target.faults(0).holdArmed())).as("the write met the hold").isTrue();
        s.abort("the initiator gives up");
        assertThat(w.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Failed.class);
        assertThat(disk.read(100 * 512, 512)).as("still held").isEqualTo(new byte[512]);
        // a new session (same ISID: a reinstatement) does not wait for a rogue write
        IscsiSession again = session(4, new CompletableFuture<>());
        assertThat(LabTargetIT.tur(again)).isZero();
        assertThat(eventually(10, () -> Arrays.equals(disk.read(100 * 512, 512), block(0x5a))))
                .as("the ghost write landed after its delay").isTrue();
    }

    @Test
    void aFencedHeldWriteLandsBeforeTheReinstatementCompletes() throws Exception {
        start();
        IscsiSession s = session(5, new CompletableFuture<>());
        target.faults(0).holdNextWrite(200, 203, Duration.ofSeconds(2), PortalFaults.HeldWrite.Fencing.WAITED_FOR);
        s.execute(ScsiCommand.write(0, new Cdb.Write10(202, 1, false).encode(), ByteBuffer.wrap(block(0x33))));
        assertThat(eventually(5, () -> !target.faults(0).holdArmed())).isTrue();
        s.abort("the initiator gives up");
        // the reinstating login is answered only once the old session's tasks are gone
        IscsiSession again = session(5, new CompletableFuture<>());
        byte[] now = disk.read(202 * 512, 512);
        assertThat(now).as("aborted while held: it never lands").isEqualTo(new byte[512]);
        assertThat(LabTargetIT.tur(again)).isZero();
        assertThat(disk.writes.get()).isZero();
    }

    @Test
    void abortTaskAndLogicalUnitResetOfASlowCommand() throws Exception {
        start();
        IscsiSession s = session(6, new CompletableFuture<>());
        target.faults(0).latency(Duration.ofSeconds(2), Duration.ZERO);
        CompletableFuture<ScsiResult> slow = new CompletableFuture<>();
        int itt = s.execute(ScsiCommand.read(0, new Cdb.Read10(0, 8, false).encode(), ByteBuffer.allocate(4096)),
                slow::complete);
        TmfResponse r = s.abortTask(itt).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(r).isEqualTo(TmfResponse.FUNCTION_COMPLETE);
        assertThat(slow.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Failed.class,
                f -> assertThat(f.mayStillExecute()).isFalse());
        CompletableFuture<ScsiResult> slow2 = new CompletableFuture<>();
        s.execute(ScsiCommand.read(0, new Cdb.Read10(0, 8, false).encode(), ByteBuffer.allocate(4096)), slow2::complete);
        assertThat(s.logicalUnitReset(0).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(TmfResponse.FUNCTION_COMPLETE);
        assertThat(disk.resets.get()).isEqualTo(1);
        assertThat(slow2.get(10, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Failed.class);
        target.faults(0).clear();
        assertThat(LabTargetIT.tur(s)).isZero();
        // an unknown LUN
        assertThat(s.logicalUnitReset(5L << 48).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(TmfResponse.LUN_DOES_NOT_EXIST);
    }
}
