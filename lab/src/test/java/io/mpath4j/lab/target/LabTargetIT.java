package io.mpath4j.lab.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.SendTargets;
import io.mpath4j.iscsi.session.Discovery;
import io.mpath4j.iscsi.session.IscsiSession;
import io.mpath4j.iscsi.session.LoginException;
import io.mpath4j.iscsi.session.ScsiCommand;
import io.mpath4j.iscsi.session.ScsiResult;
import io.mpath4j.scsi.cdb.Cdb;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lab target's iSCSI side against our own initiator ({@link IscsiSession}, {@link IscsiPath},
 * {@link Discovery}) over loopback: login and discovery, data integrity from 512 B to 4 MiB with
 * 32 commands in flight, R2T sequences beyond one burst, digests, CHAP, session reinstatement.
 * Every load is bounded; every target is closed at the end.
 */
class LabTargetIT {

    static final String IQN = "iqn.2026-11.io.mpath4j:lab";
    static final IscsiOptions OPTIONS = IscsiOptions.defaults()
            .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10))
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(400))
            .withFenceTimeout(Duration.ofSeconds(5));

    private final Closers closers = new Closers();

    @AfterEach
    void cleanUp() {
        closers.close();
    }

    LabTarget start(LabTarget.Builder b) throws Exception {
        LabTarget t = b.start();
        closers.add(t);
        return t;
    }

    static LabTarget.Builder twoPortals(MemoryDisk disk) {
        return LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1).portal("127.0.0.2", 0, 2, 2, 2)
                .target(IQN, disk, MemoryDisk.LUN);
    }

    IscsiPath connect(String uri, IscsiOptions o) throws Exception {
        IscsiPath p = IscsiPath.connect(IscsiUri.parse(uri), o);
        closers.add(p);
        return p;
    }

    // ------------------------------------------------------------------ login and discovery

    @Test
    void discoveryListsTheTargetWithEveryPortal() throws Exception {
        LabTarget t = start(twoPortals(new MemoryDisk(1 << 20, 512, "disc1")));
        var at = t.portals().get(0);
        List<SendTargets.DiscoveredTarget> found = Discovery.sendTargets(
                IscsiUri.parse("iscsi://127.0.0.1:" + at.getPort()), OPTIONS);
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo(IQN);
            assertThat(d.portals()).hasSize(2);
            assertThat(d.portals().get(0).port()).isEqualTo(at.getPort());
            assertThat(d.portals().get(0).portalGroupTag()).hasValue(1);
            assertThat(d.portals().get(1).host()).isEqualTo("127.0.0.2");
            assertThat(d.portals().get(1).portalGroupTag()).hasValue(2);
        });
        assertThat(t.lunUris()).containsExactly("iscsi://127.0.0.1:" + at.getPort() + "/" + IQN + "/0",
                "iscsi://127.0.0.2:" + t.portals().get(1).getPort() + "/" + IQN + "/0");
    }

    @Test
    void aSendTargetsAnswerLongerThanOnePduContinues() throws Exception {
        MemoryDisk disk = new MemoryDisk(1 << 20, 512, "many1");
        LabTarget.Builder b = LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1).portal("127.0.0.2", 0, 2, 2, 2);
        for (int i = 0; i < 3000; i++) {
            b.target(String.format("iqn.2026-11.io.mpath4j:lab-with-a-rather-long-name-%04d", i), disk, 0);
        }
        LabTarget t = start(b);
        // about 400 KB of text: more than the 256 KiB our initiator receives per PDU
        List<SendTargets.DiscoveredTarget> found = Discovery.sendTargets(
                IscsiUri.parse("iscsi://127.0.0.2:" + t.portals().get(1).getPort()), OPTIONS);
        assertThat(found).hasSize(3000);
        assertThat(found.get(2999).name()).endsWith("-2999");
        assertThat(found.get(2999).portals()).hasSize(2);
    }

    @Test
    void pathThroughEachPortalSeesTheSameUnit() throws Exception {
        MemoryDisk disk = new MemoryDisk(8 << 20, 512, "same1");
        LabTarget t = start(twoPortals(disk));
        IscsiPath a = connect(t.uri(0, IQN, 0), OPTIONS);
        IscsiPath b = connect(t.uri(1, IQN, 0), OPTIONS);
        assertThat(a.identity().wwid()).isEqualTo(b.identity().wwid());
        assertThat(a.geometry().sizeBytes()).isEqualTo(8 << 20);
        assertThat(a.session().parameters().targetPortalGroupTag()).hasValue(1);
        assertThat(b.session().parameters().targetPortalGroupTag()).hasValue(2);
        assertThat(t.sessionCount()).isEqualTo(2);
        byte[] data = new byte[4096];
        new Random(1).nextBytes(data);
        assertThat(io(a, new IoRequest.Write(8192, ByteBuffer.wrap(data), false))).isEqualTo(IoStatus.OK);
        ByteBuffer back = ByteBuffer.allocate(4096);
        assertThat(io(b, new IoRequest.Read(8192, back))).isEqualTo(IoStatus.OK);
        assertThat(back.array()).isEqualTo(data);
    }

    @Test
    void unknownTargetIsRefusedAsNotFound() throws Exception {
        LabTarget t = start(twoPortals(new MemoryDisk(1 << 20, 512, "nf1")));
        String uri = "iscsi://127.0.0.1:" + t.portals().get(0).getPort() + "/iqn.2026-11.io.mpath4j:nope/0";
        assertThatThrownBy(() -> connect(uri, OPTIONS)).isInstanceOfSatisfying(LoginException.class, e -> {
            assertThat(e.statusClass()).isEqualTo(2);
            assertThat(e.statusDetail()).isEqualTo(3);
        });
    }

    // ------------------------------------------------------------------ data

    @Test
    void dataIntegrityFrom512BytesTo4MiBWith32InFlight() throws Exception {
        MemoryDisk disk = new MemoryDisk(160L << 20, 512, "data1");
        LabTarget t = start(twoPortals(disk));
        verifySizes(connect(t.uri(0, IQN, 0), OPTIONS), disk);
    }

    @Test
    void writesBeyondOneBurstGoThroughManyR2Ts() throws Exception {
        MemoryDisk disk = new MemoryDisk(160L << 20, 512, "r2t1");
        // 8 KiB PDUs, 64 KiB bursts, 16 KiB first burst, 2 R2Ts outstanding: a 4 MiB write takes 64 R2Ts
        LabTarget t = start(twoPortals(disk).settings(TargetSettings.defaults().withBursts(8192, 65536, 16384, 2)));
        IscsiPath p = connect(t.uri(0, IQN, 0), OPTIONS);
        assertThat(p.session().parameters().maxBurstLength()).isEqualTo(65536);
        assertThat(p.session().parameters().firstBurstLength()).isEqualTo(16384);
        assertThat(p.session().parameters().targetMaxRecvDataSegmentLength()).isEqualTo(8192);
        verifySizes(p, disk);
    }

    @Test
    void headerAndDataDigests() throws Exception {
        MemoryDisk disk = new MemoryDisk(160L << 20, 512, "dig1");
        LabTarget t = start(twoPortals(disk).settings(TargetSettings.defaults().withDigests("CRC32C")));
        IscsiPath p = connect(t.uri(0, IQN, 0), OPTIONS);
        // our initiator offers HeaderDigest=None,CRC32C and DataDigest=None: the target requires CRC32C
        assertThat(p.session().parameters().headerDigest()).isTrue();
        verifySizes(p, disk);
    }

    static IoStatus io(IscsiPath p, IoRequest r) throws Exception {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        p.submit(r, f::complete);
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Writes 32 buffers of each size concurrently, reads them back concurrently, compares with the disk too. */
    static void verifySizes(IscsiPath p, MemoryDisk disk) throws Exception {
        long seed = System.nanoTime();
        for (int size : new int[] {512, 4096, 64 << 10, 1 << 20, 4 << 20}) {
            long stride = size + 4096L;
            List<CompletableFuture<IoStatus>> writes = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                p.submit(new IoRequest.Write(i * stride, ByteBuffer.wrap(pattern(seed, size, i)), false), f::complete);
                writes.add(f);
            }
            for (var f : writes) {
                assertThat(f.get(60, TimeUnit.SECONDS)).as("write of %d bytes", size).isEqualTo(IoStatus.OK);
            }
            List<CompletableFuture<IoStatus>> reads = new ArrayList<>();
            List<ByteBuffer> into = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                ByteBuffer b = ByteBuffer.allocate(size);
                into.add(b);
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                p.submit(new IoRequest.Read(i * stride, b), f::complete);
                reads.add(f);
            }
            for (int i = 0; i < 32; i++) {
                assertThat(reads.get(i).get(60, TimeUnit.SECONDS)).as("read of %d bytes", size).isEqualTo(IoStatus.OK);
                byte[] want = pattern(seed, size, i);
                assertThat(Arrays.equals(into.get(i).array(), want)).as("%d bytes #%d read back (seed %d)", size, i, seed)
                        .isTrue();
                assertThat(Arrays.equals(disk.read(i * stride, size), want)).as("%d bytes #%d on the disk", size, i).isTrue();
            }
        }
    }

    static byte[] pattern(long seed, int size, int i) {
        byte[] b = new byte[size];
        new Random(seed ^ (size * 1_000_003L + i)).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ CHAP

    static final ChapCredentials INITIATOR = new ChapCredentials("lab-user", "initiator-secret-1234".getBytes(StandardCharsets.UTF_8));
    static final ChapCredentials TARGET = new ChapCredentials("lab-target", "target-secret-98765".getBytes(StandardCharsets.UTF_8));

    String chapUri(LabTarget t, String user, String secret) {
        return "iscsi://" + user + "%" + secret + "@127.0.0.1:" + t.portals().get(0).getPort() + "/" + IQN + "/0";
    }

    @Test
    void oneWayChap() throws Exception {
        LabTarget t = start(twoPortals(new MemoryDisk(1 << 20, 512, "chap1")).chap(INITIATOR, null));
        IscsiPath p = connect(chapUri(t, "lab-user", "initiator-secret-1234"), OPTIONS);
        assertThat(p.geometry().sizeBytes()).isEqualTo(1 << 20);
    }

    @Test
    void mutualChap() throws Exception {
        LabTarget t = start(twoPortals(new MemoryDisk(1 << 20, 512, "chap2")).chap(INITIATOR, TARGET));
        IscsiPath p = connect(chapUri(t, "lab-user", "initiator-secret-1234"), OPTIONS.withTargetChap(TARGET));
        assertThat(p.geometry().sizeBytes()).isEqualTo(1 << 20);
        // the initiator expects another target secret: it refuses the target
        ChapCredentials other = new ChapCredentials("lab-target", "not-the-target-secret".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> connect(chapUri(t, "lab-user", "initiator-secret-1234"), OPTIONS.withTargetChap(other)))
                .isInstanceOf(LoginException.class).hasMessageContaining("mutual CHAP");
    }

    @Test
    void wrongSecretOrNoChapIsAnAuthenticationFailure() throws Exception {
        LabTarget t = start(twoPortals(new MemoryDisk(1 << 20, 512, "chap3")).chap(INITIATOR, null));
        for (String uri : List.of(chapUri(t, "lab-user", "wrong-secret-123456"), t.uri(0, IQN, 0))) {
            assertThatThrownBy(() -> connect(uri, OPTIONS)).as(uri).isInstanceOfSatisfying(LoginException.class, e -> {
                assertThat(e.statusClass()).isEqualTo(2);
                assertThat(e.statusDetail()).isEqualTo(1);
            });
        }
        // mutual CHAP asked of a target that has no secret of its own
        assertThatThrownBy(() -> connect(chapUri(t, "lab-user", "initiator-secret-1234"), OPTIONS.withTargetChap(TARGET)))
                .isInstanceOf(LoginException.class);
    }

    // ------------------------------------------------------------------ sessions

    @Test
    void sameIsidReinstatesTheSessionAndTheUnitsHearTheNexusLost() throws Exception {
        MemoryDisk disk = new MemoryDisk(1 << 20, 512, "reinst1");
        LabTarget t = start(twoPortals(disk));
        IscsiUri uri = IscsiUri.parse(t.uri(0, IQN, 0));
        long isid = IscsiSession.randomIsid(new Random(7));
        CompletableFuture<String> firstDown = new CompletableFuture<>();
        IscsiSession first = IscsiSession.open(uri, OPTIONS, isid, s -> firstDown.complete(s.closeReason()), null);
        closers.add(first::close);
        assertThat(tur(first)).isZero();
        IscsiSession second = IscsiSession.open(uri, OPTIONS, isid, s -> { }, null);
        closers.add(second::close);
        assertThat(firstDown.get(10, TimeUnit.SECONDS)).as("the old session was closed by the target").isNotEmpty();
        assertThat(second.tsih()).isNotEqualTo(first.tsih());
        assertThat(disk.lost).hasSize(1);
        assertThat(disk.lost.get(0).initiatorPort()).isEqualTo(OPTIONS.initiatorName() + ",i,0x" + String.format("%012x", isid));
        assertThat(disk.lost.get(0).targetPort()).isEqualTo(IQN + ",t,0x0001");
        assertThat(tur(second)).isZero();
        assertThat(t.sessionCount()).isEqualTo(1);
    }

    static int tur(IscsiSession s) throws Exception {
        ScsiResult r = s.execute(ScsiCommand.none(0, new Cdb.TestUnitReady().encode())).get(10, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(ScsiResult.Completed.class);
        return ((ScsiResult.Completed) r).status();
    }
}
