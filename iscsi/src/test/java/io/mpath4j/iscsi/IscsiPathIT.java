package io.mpath4j.iscsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.SendTargets;
import io.mpath4j.iscsi.session.Discovery;
import io.mpath4j.iscsi.session.LoginException;
import io.mpath4j.nbd.PeerProcess;
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
}
