package io.mpath4j.iscsi;

import static io.mpath4j.nbd.Await.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.SendTargets;
import io.mpath4j.iscsi.session.Discovery;
import io.mpath4j.iscsi.session.IscsiSession;
import io.mpath4j.iscsi.session.ScsiCommand;
import io.mpath4j.iscsi.session.ScsiResult;
import io.mpath4j.iscsi.session.TmfResponse;
import io.mpath4j.iscsi.session.LoginException;
import io.mpath4j.nbd.PeerProcess;
import io.mpath4j.core.verify.VerifyingWorkload;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link IscsiPath} against tgt (tgtd started here with its own control port and portal on
 * loopback), cross-checked with libiscsi's tools. Every load is bounded in count and time.
 */
class IscsiPathIT {

    static final IscsiOptions OPTIONS = IscsiOptions.defaults()
            .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10))
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(400))
            .withFenceTimeout(Duration.ofSeconds(5));

    private final List<AutoCloseable> closers = new ArrayList<>();

    @BeforeEach
    void tools() {
        PeerProcess.requireTool("tgtd");
        PeerProcess.requireTool("tgtadm");
    }

    @AfterEach
    void cleanUp() {
        for (AutoCloseable c : closers.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private TgtTarget tgt(long size) {
        TgtTarget t = TgtTarget.start(size);
        closers.add(t);
        return t;
    }

    private IscsiPath connect(IscsiUri uri, IscsiOptions o) throws Exception {
        IscsiPath p = IscsiPath.connect(uri, o);
        closers.add(p);
        return p;
    }

    // ------------------------------------------------------------------ discovery and identity

    @Test
    void discoveryListsTheTargetAndItsPortal() throws Exception {
        TgtTarget t = tgt(64 << 20);
        List<SendTargets.DiscoveredTarget> targets =
                Discovery.sendTargets(IscsiUri.parse("iscsi://127.0.0.1:" + t.port), OPTIONS);
        assertThat(targets).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo(TgtTarget.IQN);
            assertThat(d.portals()).anySatisfy(p -> {
                assertThat(p.host()).isEqualTo("127.0.0.1");
                assertThat(p.port()).isEqualTo(t.port);
            });
        });
    }

    @Test
    void inventoryListsTheDiskAndSkipsTheController() throws Exception {
        TgtTarget t = tgt(32 << 20);
        List<IscsiInventory.Target> inv = IscsiInventory.list(IscsiUri.parse("iscsi://127.0.0.1:" + t.port), OPTIONS);
        assertThat(inv).singleElement().satisfies(target -> {
            assertThat(target.name()).isEqualTo(TgtTarget.IQN);
            assertThat(target.error()).isEmpty();
            assertThat(target.units()).hasSize(2);
            assertThat(target.units().get(0).identity()).as("LUN 0 is tgt's controller").isNull();
            assertThat(target.units().get(0).deviceType()).isEqualTo(0x0c);
            IscsiInventory.Unit disk = target.units().get(1);
            assertThat(disk.lun()).isEqualTo(1);
            assertThat(disk.geometry().sizeBytes()).isEqualTo(32 << 20);
            assertThat(disk.identity().wwid()).startsWith("36");
            assertThat(disk.accessState()).isEqualTo(AccessState.OPTIMIZED);
        });
    }

    @Test
    void identityFromInquiryAndVpdMatchesWhatTgtAndLibiscsiReport() throws Exception {
        TgtTarget t = tgt(64 << 20);
        IscsiPath p = connect(t.uri("127.0.0.1"), OPTIONS);
        assertThat(p.identity().name()).isEqualTo("iscsi://127.0.0.1:" + t.port + "/" + TgtTarget.IQN + "/1");
        assertThat(p.identity().targetNodeName()).isEqualTo(TgtTarget.IQN);
        assertThat(p.identity().vendor()).isEqualTo("IET");
        assertThat(p.identity().product()).isEqualTo("VIRTUAL-DISK");
        assertThat(p.identity().serial()).isEqualTo("beaf11");
        assertThat(p.geometry().sizeBytes()).isEqualTo(64 << 20);
        assertThat(p.geometry().logicalBlockSize()).isEqualTo(512);
        assertThat(p.accessState()).isEqualTo(AccessState.OPTIMIZED);
        // tgt's NAA designator: 6 + IEEE company id 000e10 (tgt's) + ... ; multipath-tools formats '3' + hex
        assertThat(p.identity().wwid()).matches("36[0-9a-f]{31}");
        PeerProcess.Result inq = PeerProcess.run(PeerProcess.cmd("iscsi-inq",
                "iscsi://127.0.0.1:" + t.port + "/" + TgtTarget.IQN + "/1"), Duration.ofSeconds(10))
                .requireSuccess("iscsi-inq");
        assertThat(inq.output()).contains("Vendor:" + p.inquiry().vendor()).contains("Product:" + p.inquiry().product());
        assertThat(p.check().toCompletableFuture().get(5, TimeUnit.SECONDS).state()).isEqualTo(CheckerState.READY);
    }

    // ------------------------------------------------------------------ data integrity

    @Test
    void dataIntegrityFrom512BytesTo4MiBWith32CommandsInFlight() throws Exception {
        TgtTarget t = tgt(256 << 20);
        IscsiPath p = connect(t.uri("127.0.0.1"), OPTIONS);
        var params = p.session().parameters();
        System.out.printf("negotiated: %s%n", params);
        verifyAllSizes(p, "tgt");
    }

    @Test
    void crc32cHeaderAndDataDigestsNegotiatedWithTgtAndDataIntact() throws Exception {
        TgtTarget t = tgt(256 << 20);
        // tgt answers None unless the target's own lists allow CRC32C
        t.adm("--op", "update", "--mode", "target", "--tid", "1", "--name", "HeaderDigest", "--value", "CRC32C,None");
        t.adm("--op", "update", "--mode", "target", "--tid", "1", "--name", "DataDigest", "--value", "CRC32C,None");
        IscsiPath p = connect(IscsiUri.parse(t.uri("127.0.0.1") + "?header_digest=crc32c&data_digest=crc32c"), OPTIONS);
        var params = p.session().parameters();
        System.out.printf("negotiated with digests required: %s%n", params);
        assertThat(params.headerDigest()).as("HeaderDigest=CRC32C").isTrue();
        assertThat(params.dataDigest()).as("DataDigest=CRC32C").isTrue();
        // every PDU both ways carries CRC32C digests; a wrong one on either side would end the
        // connection (tgt drops it, we tear down) and fail these writes and reads
        verifyAllSizes(p, "tgt with digests");
        assertThat(p.session().isUsable()).isTrue();

        IscsiPath preferred = connect(t.uri("127.0.0.1"), OPTIONS.withDigests(
                io.mpath4j.iscsi.login.DigestOffer.PREFERRED, io.mpath4j.iscsi.login.DigestOffer.PREFERRED));
        assertThat(preferred.session().parameters().dataDigest()).as("CRC32C,None: tgt picks CRC32C").isTrue();
        // tgt picks by its own list, not by the order of ours (RFC 7143 §6.2.1 says the offer's
        // order decides): with CRC32C first in its list it picks CRC32C even for None,CRC32C
        IscsiPath allowed = connect(t.uri("127.0.0.1"), OPTIONS);
        assertThat(allowed.session().parameters().dataDigest()).as("None,CRC32C: tgt picks CRC32C").isTrue();
        IscsiPath none = connect(t.uri("127.0.0.1"), OPTIONS.withDigests(
                io.mpath4j.iscsi.login.DigestOffer.NONE, io.mpath4j.iscsi.login.DigestOffer.NONE));
        assertThat(none.session().parameters().dataDigest()).as("None: no digests").isFalse();
        assertThat(none.session().parameters().headerDigest()).isFalse();
    }

    // ------------------------------------------------------------------ write-zeroes and discard

    private static IoStatus io(IscsiPath p, IoRequest r) throws Exception {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        p.submit(r, f::complete);
        return f.get(30, TimeUnit.SECONDS);
    }

    /** 512-byte blocks the backing file occupies (st_blocks): falls when tgt punches holes. */
    private static long allocatedBlocks(java.nio.file.Path file) {
        return Long.parseLong(PeerProcess.run(List.of("stat", "-c", "%b", file.toString()), Duration.ofSeconds(5))
                .requireSuccess("stat").output().strip());
    }

    private static void fill(IscsiPath p, long offset, int length, long seed) throws Exception {
        byte[] data = content(seed, length, 0);
        assertThat(io(p, new IoRequest.Write(offset, ByteBuffer.wrap(data), false))).isEqualTo(IoStatus.OK);
    }

    private static boolean readsZero(IscsiPath p, long offset, int length) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(length);
        assertThat(io(p, new IoRequest.Read(offset, b))).isEqualTo(IoStatus.OK);
        return Arrays.equals(b.array(), new byte[length]);
    }

    @Test
    void writeZeroesAndDiscardOnAThinProvisionedTgtUnitDeallocate() throws Exception {
        TgtTarget t = tgt(64 << 20);
        t.adm("--op", "update", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "--params",
                "thin_provisioning=1"); // tgt then reports B2h LBPU=1 LBPWS=1 LBPRZ=1 and takes UNMAP
        IscsiPath p = connect(t.uri("127.0.0.1"), OPTIONS);
        long before = allocatedBlocks(t.backing);
        fill(p, 0, 8 << 20, 1);
        long filled = allocatedBlocks(t.backing);
        assertThat(filled - before).as("8 MiB written").isGreaterThanOrEqualTo((8 << 20) / 512 - 64);

        // WRITE SAME(16) with UNMAP: the range reads zeros and its blocks are freed
        assertThat(io(p, new IoRequest.WriteZeroes(0, 4 << 20, true))).isEqualTo(IoStatus.OK);
        assertThat(p.usesWriteSame()).isTrue();
        assertThat(readsZero(p, 0, 4 << 20)).isTrue();
        long afterZero = allocatedBlocks(t.backing);
        assertThat(filled - afterZero).as("blocks freed by WRITE SAME with UNMAP").isGreaterThanOrEqualTo(
                (4 << 20) / 512 - 64);

        // UNMAP: tgt deallocates (reads zero with LBPRZ=1)
        assertThat(io(p, new IoRequest.Discard(4 << 20, 4 << 20))).isEqualTo(IoStatus.OK);
        assertThat(readsZero(p, 4 << 20, 4 << 20)).isTrue();
        assertThat(allocatedBlocks(t.backing)).as("blocks freed by UNMAP").isLessThanOrEqualTo(before + 64);

        // write-zeroes that may not deallocate: WRITE SAME without UNMAP writes the zeros
        fill(p, 16 << 20, 1 << 20, 2);
        long refilled = allocatedBlocks(t.backing);
        assertThat(io(p, new IoRequest.WriteZeroes(16 << 20, 1 << 20, false))).isEqualTo(IoStatus.OK);
        assertThat(readsZero(p, 16 << 20, 1 << 20)).isTrue();
        assertThat(allocatedBlocks(t.backing)).as("no deallocation without mayUnmap").isEqualTo(refilled);
    }

    @Test
    void writeZeroesOnAFullyProvisionedTgtUnitWritesZerosAndDiscardIsAdvisory() throws Exception {
        TgtTarget t = tgt(64 << 20);
        IscsiPath p = connect(t.uri("127.0.0.1"), OPTIONS); // B2h LBPU=0 LBPWS=0: no deallocation
        fill(p, 0, 2 << 20, 3);
        assertThat(io(p, new IoRequest.WriteZeroes(512, (1 << 20) - 1024, true))).isEqualTo(IoStatus.OK);
        assertThat(p.usesWriteSame()).as("tgt takes WRITE SAME(16) without UNMAP").isTrue();
        ByteBuffer b = ByteBuffer.allocate(2 << 20);
        assertThat(io(p, new IoRequest.Read(0, b))).isEqualTo(IoStatus.OK);
        byte[] expected = content(3, 2 << 20, 0);
        Arrays.fill(expected, 512, (1 << 20) - 512, (byte) 0);
        assertThat(Arrays.equals(b.array(), expected)).as("only the range is zeroed").isTrue();
        // nothing to deallocate with: OK, data unchanged
        assertThat(io(p, new IoRequest.Discard(1 << 20, 1 << 20))).isEqualTo(IoStatus.OK);
        ByteBuffer after = ByteBuffer.allocate(1 << 20);
        assertThat(io(p, new IoRequest.Read(1 << 20, after))).isEqualTo(IoStatus.OK);
        assertThat(Arrays.equals(after.array(), 0, 1 << 20, expected, 1 << 20, 2 << 20)).isTrue();
    }

    static void verifyAllSizes(IscsiPath p, String peer) throws Exception {
        long seed = System.nanoTime();
        for (int size : new int[] {512, 4096, 64 << 10, 1 << 20, 4 << 20}) {
            int n = 32;
            long stride = Math.max(size, 4096) + 4096L;
            List<CompletableFuture<IoStatus>> writes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuffer b = ByteBuffer.wrap(content(seed, size, i));
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                p.submit(new IoRequest.Write(i * stride, b, i % 2 == 0), f::complete);
                writes.add(f);
            }
            for (var f : writes) {
                assertThat(f.get(30, TimeUnit.SECONDS)).as("%s: write of %d bytes", peer, size).isEqualTo(IoStatus.OK);
            }
            List<CompletableFuture<IoStatus>> reads = new ArrayList<>();
            List<ByteBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuffer b = ByteBuffer.allocate(size + 2).position(1).limit(size + 1);
                buffers.add(b);
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                p.submit(new IoRequest.Read(i * stride, b), f::complete);
                reads.add(f);
            }
            for (int i = 0; i < n; i++) {
                assertThat(reads.get(i).get(30, TimeUnit.SECONDS)).as("%s: read of %d bytes", peer, size)
                        .isEqualTo(IoStatus.OK);
                ByteBuffer b = buffers.get(i);
                assertThat(b.position()).isEqualTo(1);
                assertThat(b.limit()).isEqualTo(size + 1);
                assertThat(Arrays.equals(b.array(), 1, size + 1, content(seed, size, i), 0, size))
                        .as("%s: %d bytes at block %d read back as written (seed %d)", peer, size, i, seed).isTrue();
            }
        }
        CompletableFuture<IoStatus> flush = new CompletableFuture<>();
        p.submit(IoRequest.Flush.INSTANCE, flush::complete);
        assertThat(flush.get(10, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
        CompletableFuture<IoStatus> discard = new CompletableFuture<>();
        p.submit(new IoRequest.Discard(0, 1 << 20), discard::complete);
        assertThat(discard.get(10, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
        CompletableFuture<IoStatus> zero = new CompletableFuture<>();
        p.submit(new IoRequest.WriteZeroes(0, 3 << 20, false), zero::complete);
        assertThat(zero.get(10, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
        ByteBuffer back = ByteBuffer.allocate(3 << 20);
        CompletableFuture<IoStatus> read = new CompletableFuture<>();
        p.submit(new IoRequest.Read(0, back), read::complete);
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
        assertThat(Arrays.equals(back.array(), new byte[3 << 20])).as("write-zeroes zeroed").isTrue();
    }

    static byte[] content(long seed, int size, int i) {
        byte[] b = new byte[size];
        new Random(seed * 31 + size * 7919L + i).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ CHAP

    static final String USER = "mpath4j-user";
    static final String SECRET = "initiator-secret-1234";
    static final String TARGET_USER = "mpath4j-target";
    static final String TARGET_SECRET = "target-secret-56789";

    private IscsiUri withChap(TgtTarget t, String user, String secret) {
        return IscsiUri.parse("iscsi://" + user + "%" + secret + "@127.0.0.1:" + t.port + "/" + TgtTarget.IQN + "/1");
    }

    @Test
    void oneWayChapLogsInAndAWrongSecretGivesAClearError() throws Exception {
        TgtTarget t = tgt(16 << 20);
        t.requireChap(USER, SECRET);
        assertThatThrownBy(() -> connect(t.uri("127.0.0.1"), OPTIONS))
                .as("no credentials").isInstanceOf(java.io.IOException.class);
        IscsiPath p = connect(withChap(t, USER, SECRET), OPTIONS);
        assertThat(p.isConnected()).isTrue();
        assertThatThrownBy(() -> connect(withChap(t, USER, "wrong-secret-000000"), OPTIONS))
                .isInstanceOfSatisfying(LoginException.class, e -> {
                    assertThat(e.getMessage()).contains("authentication failed: wrong CHAP name or secret")
                            .doesNotContain("wrong-secret-000000");
                    assertThat(e.isAuthenticationFailure()).isTrue();
                });
    }

    @Test
    void mutualChapChecksTheTarget() throws Exception {
        TgtTarget t = tgt(16 << 20);
        t.requireChap(USER, SECRET);
        t.outgoingChap(TARGET_USER, TARGET_SECRET);
        IscsiOptions mutual = OPTIONS.withTargetChap(
                new ChapCredentials(TARGET_USER, TARGET_SECRET.getBytes(StandardCharsets.UTF_8)));
        IscsiPath p = connect(withChap(t, USER, SECRET), mutual);
        assertThat(p.isConnected()).isTrue();
        IscsiOptions wrongTarget = OPTIONS.withTargetChap(
                new ChapCredentials(TARGET_USER, "not-the-target-secret".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> connect(withChap(t, USER, SECRET), wrongTarget))
                .isInstanceOfSatisfying(LoginException.class, e -> assertThat(e.getMessage())
                        .contains("mutual CHAP").contains("target authentication failed"));
    }

    // ------------------------------------------------------------------ WWID cross-check

    @Test
    void wwidIsWhatSg3UtilsDerivesFromThePage() throws Exception {
        PeerProcess.requireTool("sg_inq");
        TgtTarget t = tgt(16 << 20);
        IscsiPath p = connect(t.uri("127.0.0.1"), OPTIONS);
        ByteBuffer page = ByteBuffer.allocate(255);
        var r = p.session().execute(io.mpath4j.iscsi.session.ScsiCommand.read(io.mpath4j.scsi.data.Lun.of(1).raw(),
                io.mpath4j.scsi.cdb.Cdb.Inquiry.vpd(0x83, 255).encode(), page)).get(5, TimeUnit.SECONDS);
        int len = 4 + ((page.get(2) & 0xff) << 8 | page.get(3) & 0xff);
        java.nio.file.Path hex = java.nio.file.Files.createTempFile("mpath4j-vpd83-", ".hex");
        try {
            java.nio.file.Files.writeString(hex, java.util.HexFormat.ofDelimiter(" ").formatHex(page.array(), 0, len));
            String out = PeerProcess.run(PeerProcess.cmd("sg_inq", "--inhex=" + hex, "--page=0x83", "--export"),
                    Duration.ofSeconds(10)).requireSuccess("sg_inq --export").output();
            // udev's ID_SERIAL for an NAA designator (what multipath uses) is '3' + the NAA hex
            String naa = out.lines().filter(l -> l.startsWith("SCSI_IDENT_LUN_NAA_REGEXT="))
                    .map(l -> l.substring(l.indexOf('=') + 1)).findFirst().orElseThrow(() ->
                            new AssertionError("no NAA 6 designator in sg_inq's output: " + out));
            System.out.printf("tgt VPD 83h per sg_inq: %s -> wwid %s%n", out.lines().toList(), p.identity().wwid());
            assertThat(p.identity().wwid()).isEqualTo("3" + naa);
        } finally {
            java.nio.file.Files.deleteIfExists(hex);
        }
    }

    // ------------------------------------------------------------------ fencing and keepalive

    @Test
    void fenceAfterATeardownCompletesOnceTheSessionIsReinstated() throws Exception {
        TgtTarget t = tgt(256 << 20);
        IscsiPath p = connect(t.uri("127.0.0.1"), OPTIONS.withFencingDelay(Duration.ofMinutes(1)));
        int tsih = p.session().tsih();
        long isid = p.session().isid();
        assertThat(p.fence().toCompletableFuture().get(1, TimeUnit.SECONDS)).as("nothing to fence").isNull();
        p.abortSession("test: simulated connection failure");
        long start = System.nanoTime();
        p.fence().toCompletableFuture().get(5, TimeUnit.SECONDS);
        System.out.printf("fence by reinstatement took %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(p.isConnected()).isTrue();
        assertThat(p.session().isid()).as("same ISID: reinstatement").isEqualTo(isid);
        assertThat(p.session().tsih()).as("a new session").isNotEqualTo(tsih);
        verifyAllSizes(p, "tgt after reinstatement");
    }

    @Test
    void fenceFailsWhenTheTargetIsUnreachable() throws Exception {
        TgtTarget t = tgt(16 << 20);
        IscsiPath p = connect(t.uri("127.0.0.1"), OPTIONS.withFenceTimeout(Duration.ofMillis(800))
                .withFencingDelay(Duration.ofMinutes(1)));
        java.util.concurrent.LinkedBlockingQueue<io.mpath4j.core.path.PathEvent> events =
                new java.util.concurrent.LinkedBlockingQueue<>();
        p.setEventListener(events::add);
        t.kill();
        assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(io.mpath4j.core.path.PathEvent.ConnectionLost.class);
        assertThatThrownBy(() -> p.fence().toCompletableFuture().get(5, TimeUnit.SECONDS))
                .hasMessageContaining("cannot fence");
    }

    @Test
    void aFrozenTargetIsDetectedByNopOutWithinTwoSeconds() throws Exception {
        TgtTarget t = tgt(16 << 20);
        IscsiPath p = connect(t.uri("127.0.0.1"), OPTIONS); // default NOP: every 1 s, 900 ms timeout
        java.util.concurrent.LinkedBlockingQueue<io.mpath4j.core.path.PathEvent> events =
                new java.util.concurrent.LinkedBlockingQueue<>();
        p.setEventListener(events::add);
        PeerProcess.run(PeerProcess.cmd("kill", "-STOP", Long.toString(t.pid())), Duration.ofSeconds(5))
                .requireSuccess("kill -STOP");
        try {
            long start = System.nanoTime();
            var e = events.poll(4, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("silent loss detected after %d ms: %s%n", ms, e);
            assertThat(e).isInstanceOfSatisfying(io.mpath4j.core.path.PathEvent.ConnectionLost.class,
                    l -> assertThat(l.reason()).contains("NOP-Out"));
            // interval + timeout = 1.9 s plus the watchdog tick (25 ms); slack for scheduling on a loaded 2-CPU machine
            assertThat(ms).isLessThanOrEqualTo(2300);
        } finally {
            PeerProcess.run(PeerProcess.cmd("kill", "-CONT", Long.toString(t.pid())), Duration.ofSeconds(5));
        }
        var restored = events.poll(10, TimeUnit.SECONDS);
        assertThat(restored).isInstanceOf(io.mpath4j.core.path.PathEvent.ConnectionRestored.class);
    }

    // ------------------------------------------------------------------ multipath

    private static final io.mpath4j.core.monitor.MonitorConfig MONITOR = new io.mpath4j.core.monitor.MonitorConfig(
            Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(2));

    private io.mpath4j.core.device.MultipathDevice device(List<IscsiPath> paths) {
        var d = new io.mpath4j.core.device.MultipathDevice("mpath-iscsi",
                io.mpath4j.core.device.DeviceConfig.defaults()
                        .withGrouping(io.mpath4j.core.group.GroupingPolicies.byKeyword("multibus"))
                        .withNoPathRetry(new io.mpath4j.core.device.NoPathRetry.Queue()),
                io.mpath4j.core.device.Engine.system(MONITOR), paths);
        closers.add(d);
        return d;
    }

    @Test
    void twoPortalsOfOneTargetAreOneUnitAndDeletingAPortalLosesNoIo() throws Exception {
        TgtTarget t = tgt(64 << 20);
        t.addPortal("127.0.0.2");
        IscsiPaths.Result r = IscsiPaths.connect(List.of(t.uri("127.0.0.1"), t.uri("127.0.0.2")), OPTIONS);
        closers.addAll(r.paths());
        assertThat(r.warnings()).isEmpty();
        List<IscsiPath> paths = r.singleUnit();
        assertThat(paths).hasSize(2);
        var d = device(paths);
        VerifyingWorkload w = new VerifyingWorkload(d, 8, 64, System.nanoTime());
        w.start();
        waitFor(() -> w.ops() > 300, Duration.ofSeconds(10), "workload warm-up");
        long before = w.ops();
        t.deletePortal("127.0.0.2"); // closes the listener; the established connection may live on
        paths.get(1).abortSession("test: portal deleted");
        waitFor(() -> w.ops() > before + 500, Duration.ofSeconds(10), "I/O continues");
        waitFor(() -> view(d, paths.get(1)).failed(), Duration.ofSeconds(5), "path through the deleted portal failed");
        w.stop();
        w.verifyAll();
        assertThat(w.failures()).as("I/O errors or mismatches (seed %d)", w.seed()).isEmpty();
        System.out.printf("two portals: %d verified ops, %d redrives%n", w.ops(), d.counters().redrives());
        assertThat(paths.get(0).session().parameters().targetPortalGroupTag()).hasValue(1);
    }

    @Test
    void killingOneOfTwoTgtdOnOneFileLosesNoIo() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile(java.nio.file.Path.of("/dev/shm"), "mpath4j-mp-", ".img");
        closers.add(() -> java.nio.file.Files.deleteIfExists(file));
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), (64 << 20) - 1);
        }
        TgtTarget a = TgtTarget.startOn(file, "127.0.0.1", TgtTarget.IQN + "-a");
        closers.add(a);
        TgtTarget b = TgtTarget.startOn(file, "127.0.0.2", TgtTarget.IQN + "-b"); // two targets: two names
        closers.add(b);
        for (TgtTarget t : List.of(a, b)) {
            // two LUs on one file: give them one identity (VPD 80h/83h), as two controllers of one array would
            t.adm("--op", "update", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "--params",
                    "scsi_id=MPATH4J-IT-0001,scsi_sn=MP4J0001");
        }
        // the two tgtd see one file through the page cache, so a write on one is read back on the other
        IscsiOptions o = OPTIONS.withFencingDelay(Duration.ofMillis(300)); // a SIGKILLed tgtd executes nothing
        IscsiPaths.Result r = IscsiPaths.connect(List.of(a.uri("127.0.0.1"), b.uri("127.0.0.2")), o);
        closers.addAll(r.paths());
        System.out.printf("two tgtd: %s%n", r.byWwid().keySet());
        List<IscsiPath> paths = r.singleUnit();
        var d = device(paths);
        java.util.concurrent.ConcurrentLinkedQueue<io.mpath4j.core.device.DeviceEvent> events =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        d.addListener(events::add);
        VerifyingWorkload w = new VerifyingWorkload(d, 8, 64, System.nanoTime());
        w.start();
        waitFor(() -> w.ops() > 300, Duration.ofSeconds(10), "workload warm-up");
        long before = w.ops();
        a.kill();
        waitFor(() -> view(d, paths.get(0)).failed(), Duration.ofSeconds(5), "path to the killed tgtd failed");
        waitFor(() -> w.ops() > before + 1000, Duration.ofSeconds(15), "I/O continues on the other path");
        w.stop();
        w.verifyAll();
        assertThat(w.failures()).as("I/O errors or mismatches seen by the workload (seed %d)", w.seed()).isEmpty();
        assertThat(view(d, paths.get(1)).failed()).isFalse();
        System.out.printf("two tgtd: %d verified ops, %d redrives, %d failovers%n", w.ops(),
                d.counters().redrives(), d.counters().failovers());
    }

    private static io.mpath4j.core.device.PathView view(io.mpath4j.core.device.MultipathDevice d, IscsiPath p) {
        return d.topology().paths().stream().filter(v -> v.name().equals(p.identity().name())).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ task management

    @Test
    void tgtAnswersLogicalUnitResetAndTheSessionGoesOn() throws Exception {
        TgtTarget t = tgt(16 << 20);
        IscsiSession s = IscsiSession.open(t.uri("127.0.0.1"), OPTIONS, IscsiSession.randomIsid(new Random()), x -> {},
                null);
        closers.add(s::close);
        long lun1 = io.mpath4j.scsi.data.Lun.of(1).raw();
        assertThat(s.logicalUnitReset(lun1).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(TmfResponse.FUNCTION_COMPLETE);
        // TEST UNIT READY after the reset: a unit attention (29h) or good status, but an answer on the same session
        byte[] tur = new byte[6];
        ScsiResult r = s.execute(ScsiCommand.none(lun1, tur)).get(10, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(ScsiResult.Completed.class);
        assertThat(s.isUsable()).isTrue();
    }
}
