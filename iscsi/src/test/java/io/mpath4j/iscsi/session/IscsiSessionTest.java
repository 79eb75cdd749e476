package io.mpath4j.iscsi.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.login.DigestOffer;
import io.mpath4j.iscsi.login.Chap;
import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.TextValues;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link IscsiSession} and {@link Login} against a scripted target ({@link FakeTarget}). */
class IscsiSessionTest {

    static final String IQN = "iqn.2026-11.io.mpath4j:fake";
    static final IscsiOptions OPTIONS = IscsiOptions.defaults()
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5))
            .withNop(Duration.ofSeconds(30), Duration.ofSeconds(30));
    static final byte[] READ10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0};
    static final byte[] WRITE10 = {0x2a, 0, 0, 0, 0, 0, 0, 0, 16, 0};

    FakeTarget target;
    final List<IscsiSession> sessions = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        target = new FakeTarget();
    }

    @AfterEach
    void stop() throws Exception {
        sessions.forEach(s -> s.abort("test end"));
        target.close();
    }

    IscsiUri uri(String userInfo) throws Exception {
        return IscsiUri.parse("iscsi://" + userInfo + "127.0.0.1:" + target.port() + "/" + IQN + "/0");
    }

    CompletableFuture<IscsiSession> open(IscsiUri uri, IscsiOptions o) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                IscsiSession s = IscsiSession.open(uri, o, 0x800000000001L, x -> {}, null);
                sessions.add(s);
                return s;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    IscsiSession login(String... operational) throws Exception {
        var f = open(uri(""), OPTIONS);
        target.accept();
        target.loginWithoutAuth(operational);
        return f.get(5, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ login

    @Test
    void loginNegotiatesOurOffersAndTheTargetsDeclarations() throws Exception {
        var f = open(uri(""), OPTIONS);
        target.accept();
        Pdu.LoginRequest first = target.next(Pdu.LoginRequest.class);
        Map<String, String> keys = FakeTarget.text(first.text());
        assertThat(keys).containsEntry("InitiatorName", IscsiOptions.DEFAULT_INITIATOR_NAME)
                .containsEntry("TargetName", IQN).containsEntry("SessionType", "Normal")
                .containsEntry("AuthMethod", "None");
        assertThat(first.isid() >>> 40).as("ISID type random").isEqualTo(0x80);
        assertThat(first.tsih()).isZero();
        assertThat(first.currentStage()).isZero();
        assertThat(first.transit()).isTrue();
        target.send(target.loginResponse(first, true, 0, 1, 0, 0, FakeTarget.text("AuthMethod", "None",
                "TargetPortalGroupTag", "3")));
        Pdu.LoginRequest op = target.next(Pdu.LoginRequest.class);
        Map<String, String> offers = FakeTarget.text(op.text());
        assertThat(offers).containsEntry("MaxRecvDataSegmentLength", "262144").containsEntry("InitialR2T", "No")
                .containsEntry("ImmediateData", "Yes").containsEntry("MaxBurstLength", "16776192")
                .containsEntry("FirstBurstLength", "262144").containsEntry("ErrorRecoveryLevel", "0")
                .containsEntry("HeaderDigest", "None,CRC32C").containsEntry("DataDigest", "None,CRC32C");
        assertThat(op.cmdSN()).isEqualTo(first.cmdSN());
        target.send(target.loginResponse(op, true, 1, 3, 0, 0,
                FakeTarget.text(FakeTarget.answers("No", 8192, 65536, 262144))));
        IscsiSession s = f.get(5, TimeUnit.SECONDS);
        assertThat(s.tsih()).isEqualTo(7);
        assertThat(s.parameters().initialR2T()).isFalse();
        assertThat(s.parameters().targetMaxRecvDataSegmentLength()).isEqualTo(8192);
        assertThat(s.parameters().firstBurstLength()).isEqualTo(65536);
        assertThat(s.parameters().targetPortalGroupTag()).hasValue(3);
    }

    @Test
    void targetNotFoundIsSaidInWords() throws Exception {
        var f = open(uri(""), OPTIONS);
        target.accept();
        Pdu.LoginRequest r = target.next(Pdu.LoginRequest.class);
        target.send(target.loginResponse(r, false, 0, 0, 2, 3, Bytes.EMPTY));
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(LoginException.class)
                .hasMessageContaining("target not found").hasMessageContaining("0x0203");
    }

    private static final String USER = "alice";
    private static final String SECRET = "alice-secret-123";
    private static final String TUSER = "the-target";
    private static final String TSECRET = "target-secret-456";

    /** Plays the target's side of CHAP; returns the initiator's last security request. */
    private Map<String, String> chapExchange(byte[] secretTargetExpects, boolean mutualAnswerRight) throws Exception {
        Pdu.LoginRequest r = target.next(Pdu.LoginRequest.class);
        assertThat(FakeTarget.text(r.text())).containsEntry("AuthMethod", "CHAP,None");
        assertThat(r.transit()).isFalse();
        target.send(target.loginResponse(r, false, 0, 1, 0, 0, FakeTarget.text("AuthMethod", "CHAP")));
        r = target.next(Pdu.LoginRequest.class);
        assertThat(FakeTarget.text(r.text())).containsEntry("CHAP_A", "5");
        byte[] challenge = new byte[16];
        new Random(1).nextBytes(challenge);
        target.send(target.loginResponse(r, false, 0, 1, 0, 0, FakeTarget.text("CHAP_A", "5", "CHAP_I", "7",
                "CHAP_C", "0x" + HexFormat.of().formatHex(challenge))));
        r = target.next(Pdu.LoginRequest.class);
        Map<String, String> answer = FakeTarget.text(r.text());
        assertThat(r.transit()).isTrue();
        assertThat(answer).containsEntry("CHAP_N", USER);
        byte[] expected = Chap.response(7, secretTargetExpects, challenge);
        byte[] got = TextValues.binary("CHAP_R", answer.get("CHAP_R"));
        if (!Arrays.equals(expected, got)) {
            target.send(target.loginResponse(r, false, 0, 0, 2, 1, Bytes.EMPTY));
            return answer;
        }
        if (answer.containsKey("CHAP_C")) {
            int id = Integer.parseInt(answer.get("CHAP_I"));
            byte[] theirs = TextValues.binary("CHAP_C", answer.get("CHAP_C"));
            byte[] resp = Chap.response(id, (mutualAnswerRight ? TSECRET : "something-else-entirely")
                    .getBytes(StandardCharsets.UTF_8), theirs);
            target.send(target.loginResponse(r, true, 0, 1, 0, 0, FakeTarget.text("CHAP_N", TUSER,
                    "CHAP_R", "0x" + HexFormat.of().formatHex(resp))));
        } else {
            target.send(target.loginResponse(r, true, 0, 1, 0, 0, Bytes.EMPTY));
        }
        return answer;
    }

    @Test
    void oneWayChap() throws Exception {
        var f = open(uri(USER + "%" + SECRET + "@"), OPTIONS);
        target.accept();
        Map<String, String> answer = chapExchange(SECRET.getBytes(StandardCharsets.UTF_8), true);
        assertThat(answer).doesNotContainKey("CHAP_C");
        target.operational(FakeTarget.answers("Yes", 8192, 65536, 262144));
        assertThat(f.get(5, TimeUnit.SECONDS).isUsable()).isTrue();
    }

    @Test
    void wrongSecretIsAnAuthenticationFailure() throws Exception {
        var f = open(uri(USER + "%" + "not-" + SECRET + "@"), OPTIONS);
        target.accept();
        chapExchange(SECRET.getBytes(StandardCharsets.UTF_8), true);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(LoginException.class)
                .hasMessageContaining("authentication failed: wrong CHAP name or secret")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void mutualChapChecksTheTargetsAnswer() throws Exception {
        IscsiOptions mutual = OPTIONS.withTargetChap(new ChapCredentials(TUSER, TSECRET.getBytes(StandardCharsets.UTF_8)));
        var f = open(uri(USER + "%" + SECRET + "@"), mutual);
        target.accept();
        assertThat(chapExchange(SECRET.getBytes(StandardCharsets.UTF_8), true)).containsKey("CHAP_C");
        target.operational(FakeTarget.answers("Yes", 8192, 65536, 262144));
        assertThat(f.get(5, TimeUnit.SECONDS).isUsable()).isTrue();

        var g = open(uri(USER + "%" + SECRET + "@"), mutual);
        target.accept();
        chapExchange(SECRET.getBytes(StandardCharsets.UTF_8), false);
        assertThatThrownBy(() -> g.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(LoginException.class)
                .hasMessageContaining("target authentication failed");
    }

    // ------------------------------------------------------------------ full feature phase

    @Test
    void commandsWaitWhileTheCmdSnWindowIsClosed() throws Exception {
        target.window = 1; // MaxCmdSN = ExpCmdSN: one command at a time
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        List<CompletableFuture<ScsiResult>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(s.execute(ScsiCommand.none(0, new byte[] {0, 0, 0, 0, 0, 0})));
        }
        Pdu.ScsiCommand c1 = target.next(Pdu.ScsiCommand.class);
        Thread.sleep(200);
        assertThat(results).noneMatch(CompletableFuture::isDone);
        target.send(target.response(c1, 0, Bytes.EMPTY, false, 0)); // opens the window by one
        Pdu.ScsiCommand c2 = target.next(Pdu.ScsiCommand.class);
        assertThat(c2.cmdSN()).isEqualTo(c1.cmdSN() + 1);
        target.send(target.response(c2, 0, Bytes.EMPTY, false, 0));
        Pdu.ScsiCommand c3 = target.next(Pdu.ScsiCommand.class);
        assertThat(c3.cmdSN()).isEqualTo(c2.cmdSN() + 1);
        target.send(target.response(c3, 0, Bytes.EMPTY, false, 0));
        for (var r : results) {
            assertThat(r.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
        }
    }

    @Test
    void writeSendsImmediateAndUnsolicitedDataThenAnswersEachR2tInPdusOfTheTargetsSize() throws Exception {
        // InitialR2T=No, FirstBurstLength 8192, target MaxRecvDataSegmentLength 4096, MaxBurstLength 16384
        IscsiSession s = login(FakeTarget.answers("No", 4096, 8192, 16384));
        byte[] data = new byte[40_000];
        new Random(42).nextBytes(data);
        ByteBuffer buf = ByteBuffer.allocate(data.length + 10).position(5);
        buf.put(data).position(5).limit(5 + data.length);
        var result = s.execute(ScsiCommand.write(0, WRITE10, buf));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        assertThat(c.expectedDataTransferLength()).isEqualTo(40_000);
        assertThat(c.immediateData().length()).isEqualTo(4096);
        assertThat(c.finalPdu()).as("unsolicited Data-Out follows").isFalse();
        got.writeBytes(c.immediateData().toByteArray());
        Pdu.DataOut u = target.next(Pdu.DataOut.class);
        assertThat(u.targetTransferTag()).isEqualTo(Pdu.RESERVED_TAG);
        assertThat(u.bufferOffset()).isEqualTo(4096);
        assertThat(u.data().length()).isEqualTo(4096);
        assertThat(u.finalPdu()).isTrue();
        got.writeBytes(u.data().toByteArray());
        int offset = 8192;
        int ttt = 0x1000;
        while (offset < data.length) {
            int len = Math.min(16384, data.length - offset);
            target.send(new Pdu.R2T(0, c.initiatorTaskTag(), ttt, target.statSN, c.cmdSN() + 1, c.cmdSN() + 64, 0,
                    offset, len));
            for (int sent = 0, sn = 0; sent < len; sn++) {
                Pdu.DataOut d = target.next(Pdu.DataOut.class);
                assertThat(d.targetTransferTag()).isEqualTo(ttt);
                assertThat(d.dataSN()).isEqualTo(sn);
                assertThat(d.bufferOffset()).isEqualTo(offset + sent);
                assertThat(d.data().length()).isLessThanOrEqualTo(4096);
                sent += d.data().length();
                assertThat(d.finalPdu()).isEqualTo(sent == len);
                got.writeBytes(d.data().toByteArray());
            }
            offset += len;
            ttt++;
        }
        target.send(target.response(c, 0, Bytes.EMPTY, false, 0));
        assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(buf.position()).isEqualTo(5);
    }

    @Test
    void dataInLandsAtItsOffsetAndAnUnderflowIsReported() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        ByteBuffer into = ByteBuffer.allocate(8192 + 2).position(1).limit(8193);
        var result = s.execute(ScsiCommand.read(0, READ10, into));
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        assertThat(c.read()).isTrue();
        byte[] second = new byte[1024];
        Arrays.fill(second, (byte) 2);
        byte[] first = new byte[2048];
        Arrays.fill(first, (byte) 1);
        // out of order on purpose is not allowed (DataPDUInOrder=Yes) — but offsets are honoured
        target.send(new Pdu.DataIn(false, false, false, false, false, 0, 0, c.initiatorTaskTag(), Pdu.RESERVED_TAG, 0,
                c.cmdSN() + 1, c.cmdSN() + 64, 0, 0, 0, Bytes.of(first)));
        target.send(new Pdu.DataIn(true, false, false, true, true, 0, 0, c.initiatorTaskTag(), Pdu.RESERVED_TAG,
                target.statSN++, c.cmdSN() + 1, c.cmdSN() + 64, 1, 2048, 8192 - 3072, Bytes.of(second)));
        ScsiResult r = result.get(5, TimeUnit.SECONDS);
        assertThat(r).isInstanceOfSatisfying(ScsiResult.Completed.class, done -> {
            assertThat(done.status()).isZero();
            assertThat(done.underflow()).isTrue();
            assertThat(done.residualCount()).isEqualTo(8192 - 3072);
            assertThat(done.transferred()).isEqualTo(3072);
        });
        assertThat(into.get(1)).isEqualTo((byte) 1);
        assertThat(into.get(1 + 2048)).isEqualTo((byte) 2);
        assertThat(into.get(1 + 3072)).isZero();
        assertThat(into.position()).isEqualTo(1);
    }

    @Test
    void dataInIsPlacedFromTheReceiveBufferAtItsOffsetWhateverTheSegmentBoundaries() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        // a direct buffer whose position and limit must stay where the caller put them
        ByteBuffer into = ByteBuffer.allocateDirect(3 + 4099 + 5).position(3).limit(3 + 4099);
        var result = s.execute(ScsiCommand.read(0, READ10, into));
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        byte[] data = new byte[4099]; // odd lengths: the segments are padded on the wire
        new Random(11).nextBytes(data);
        long before = s.dataInsPlacedDirectly();
        byte[] a = target.encode(new Pdu.DataIn(false, false, false, false, false, 0, 0, c.initiatorTaskTag(),
                Pdu.RESERVED_TAG, 0, c.cmdSN() + 1, c.cmdSN() + 64, 0, 0, 0, Bytes.of(Arrays.copyOf(data, 1001))));
        byte[] b = target.encode(new Pdu.DataIn(false, false, false, false, false, 0, 0, c.initiatorTaskTag(),
                Pdu.RESERVED_TAG, 0, c.cmdSN() + 1, c.cmdSN() + 64, 1, 1001,
                0, Bytes.of(Arrays.copyOfRange(data, 1001, 3001))));
        byte[] last = target.encode(new Pdu.DataIn(true, false, false, false, true, 0, 0, c.initiatorTaskTag(),
                Pdu.RESERVED_TAG, target.statSN++, c.cmdSN() + 1, c.cmdSN() + 64, 2, 3001, 0,
                Bytes.of(Arrays.copyOfRange(data, 3001, data.length))));
        // the first PDU and the start of the second in one write, the rest byte by byte and in bulk
        byte[] all = new byte[a.length + b.length + last.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        System.arraycopy(last, 0, all, a.length + b.length, last.length);
        int cut = a.length + 30;
        target.sendRaw(Arrays.copyOf(all, cut));
        for (int i = cut; i < cut + 40; i++) {
            Thread.sleep(1);
            target.sendRaw(new byte[] {all[i]});
        }
        target.sendRaw(Arrays.copyOfRange(all, cut + 40, all.length));
        ScsiResult r = result.get(5, TimeUnit.SECONDS);
        assertThat(r).isInstanceOfSatisfying(ScsiResult.Completed.class, done -> {
            assertThat(done.status()).isZero();
            assertThat(done.transferred()).isEqualTo(data.length);
        });
        assertThat(s.dataInsPlacedDirectly() - before).isEqualTo(3);
        byte[] got = new byte[data.length];
        into.get(3, got);
        assertThat(got).isEqualTo(data);
        ByteBuffer whole = into.duplicate().clear();
        assertThat(whole.get(2)).isZero();
        assertThat(whole.get(3 + 4099)).isZero();
        assertThat(into.position()).isEqualTo(3);
        assertThat(into.limit()).isEqualTo(3 + 4099);
    }

    @Test
    void checkConditionCarriesSense() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        var result = s.execute(ScsiCommand.none(0, new byte[] {0, 0, 0, 0, 0, 0}));
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        byte[] sense = new byte[18];
        sense[0] = 0x70;
        sense[2] = 0x06; // UNIT ATTENTION
        sense[7] = 10;
        sense[12] = 0x29;
        target.send(target.response(c, 2, Bytes.of(sense), false, 0));
        assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Completed.class, done -> {
            assertThat(done.status()).isEqualTo(2);
            assertThat(done.sense()).isEqualTo(sense);
        });
    }

    @Test
    void aCommandWithoutAnswerTimesOutAndTearsTheSessionDown() throws Exception {
        var f = open(uri(""), OPTIONS.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(300)));
        target.accept();
        target.loginWithoutAuth(FakeTarget.answers("Yes", 8192, 65536, 262144));
        IscsiSession s = f.get(5, TimeUnit.SECONDS);
        var write = s.execute(ScsiCommand.write(0, WRITE10, ByteBuffer.allocate(512)));
        var queued = new ArrayList<CompletableFuture<ScsiResult>>();
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        long start = System.nanoTime();
        Pdu.TaskManagementRequest abort = target.next(Pdu.TaskManagementRequest.class); // left unanswered
        assertThat(abort.function()).isEqualTo(Pdu.TaskFunction.ABORT_TASK);
        assertThat(abort.referencedTaskTag()).isEqualTo(c.initiatorTaskTag());
        ScsiResult r = write.get(5, TimeUnit.SECONDS);
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(100L, 2000L);
        assertThat(r).isInstanceOfSatisfying(ScsiResult.Failed.class, fail -> {
            assertThat(fail.mayStillExecute()).isTrue();
            assertThat(fail.reason()).contains("timed out", "ABORT TASK unanswered");
        });
        assertThat(s.isTornDown()).isTrue();
        queued.add(s.execute(ScsiCommand.none(0, new byte[6])));
        assertThat(queued.getFirst().get(1, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Failed.class,
                fail -> assertThat(fail.mayStillExecute()).isFalse());
    }

    @Test
    void aTimedOutCommandIsAbortedAndTheSessionStaysWhenTheTargetConfirms() throws Exception {
        var f = open(uri(""), OPTIONS.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(300)));
        target.accept();
        target.loginWithoutAuth(FakeTarget.answers("Yes", 8192, 65536, 262144));
        IscsiSession s = f.get(5, TimeUnit.SECONDS);
        var write = s.execute(ScsiCommand.write(0, WRITE10, ByteBuffer.allocate(512)));
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        Pdu.TaskManagementRequest abort = target.next(Pdu.TaskManagementRequest.class);
        assertThat(abort.function()).isEqualTo(Pdu.TaskFunction.ABORT_TASK);
        assertThat(abort.referencedTaskTag()).isEqualTo(c.initiatorTaskTag());
        assertThat(abort.refCmdSN()).isEqualTo(c.cmdSN());
        target.send(tmfResponse(abort, Pdu.TaskManagementResponse.FUNCTION_COMPLETE));
        assertThat(write.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Failed.class, fail -> {
            assertThat(fail.mayStillExecute()).isFalse();
            assertThat(fail.reason()).contains("timed out", "ABORT TASK", "function complete");
        });
        assertThat(s.isUsable()).isTrue();
        var next = s.execute(ScsiCommand.none(0, new byte[6]));
        Pdu.ScsiCommand c2 = target.next(Pdu.ScsiCommand.class);
        target.send(target.response(c2, 0, Bytes.EMPTY, false, 0));
        assertThat(next.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
    }

    @Test
    void aTimedOutCommandWhoseAbortIsRejectedTearsTheSessionDown() throws Exception {
        var f = open(uri(""), OPTIONS.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(300)));
        target.accept();
        target.loginWithoutAuth(FakeTarget.answers("Yes", 8192, 65536, 262144));
        IscsiSession s = f.get(5, TimeUnit.SECONDS);
        var write = s.execute(ScsiCommand.write(0, WRITE10, ByteBuffer.allocate(512)));
        target.next(Pdu.ScsiCommand.class);
        Pdu.TaskManagementRequest abort = target.next(Pdu.TaskManagementRequest.class);
        target.send(tmfResponse(abort, Pdu.TaskManagementResponse.FUNCTION_REJECTED));
        assertThat(write.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Failed.class, fail -> {
            assertThat(fail.mayStillExecute()).isTrue();
            assertThat(fail.reason()).contains("timed out", "function rejected");
        });
        assertThat(s.isTornDown()).isTrue();
    }

    @Test
    void connectionLossFailsEveryOutstandingCommand() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        var a = s.execute(ScsiCommand.write(0, WRITE10, ByteBuffer.allocate(512)));
        target.next(Pdu.ScsiCommand.class);
        target.closeConnection();
        assertThat(a.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Failed.class,
                fail -> assertThat(fail.mayStillExecute()).isTrue());
        assertThat(s.closeReason()).contains("closed the connection");
    }

    @Test
    void targetNopInIsAnsweredAndIdleSessionsArePinged() throws Exception {
        var f = open(uri(""), OPTIONS.withNop(Duration.ofMillis(200), Duration.ofSeconds(5)));
        target.accept();
        target.loginWithoutAuth(FakeTarget.answers("Yes", 8192, 65536, 262144));
        IscsiSession s = f.get(5, TimeUnit.SECONDS);
        target.send(new Pdu.NopIn(0, Pdu.RESERVED_TAG, 0x4242, target.statSN, target.expCmdSN, target.maxCmdSN,
                Bytes.of((byte) 9)));
        boolean answered = false;
        boolean pinged = false;
        for (int i = 0; i < 4 && !(answered && pinged); i++) {
            Pdu.NopOut n = target.next(Pdu.NopOut.class);
            if (n.targetTransferTag() == 0x4242) {
                assertThat(n.initiatorTaskTag()).isEqualTo(Pdu.RESERVED_TAG);
                assertThat(n.pingData()).isEqualTo(Bytes.of((byte) 9));
                answered = true;
            } else {
                assertThat(n.initiatorTaskTag()).isNotEqualTo(Pdu.RESERVED_TAG);
                assertThat(n.immediate()).isTrue();
                target.send(new Pdu.NopIn(0, n.initiatorTaskTag(), Pdu.RESERVED_TAG, target.statSN++, target.expCmdSN,
                        target.maxCmdSN, Bytes.EMPTY));
                pinged = true;
            }
        }
        assertThat(answered).isTrue();
        assertThat(pinged).isTrue();
        assertThat(s.isUsable()).isTrue();
    }

    @Test
    void logoutOnClose() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        var closer = CompletableFuture.runAsync(s::close);
        Pdu.LogoutRequest l = target.next(Pdu.LogoutRequest.class);
        assertThat(l.reasonCode()).isEqualTo(Pdu.LogoutReason.CLOSE_SESSION);
        target.send(new Pdu.LogoutResponse(0, l.initiatorTaskTag(), target.statSN++, target.expCmdSN,
                target.maxCmdSN, 0, 0));
        closer.get(5, TimeUnit.SECONDS);
        assertThat(s.isTornDown()).isTrue();
    }

    @Test
    void loginRedirectionIsFollowed() throws Exception {
        try (FakeTarget other = new FakeTarget()) {
            var f = open(uri(""), OPTIONS);
            target.accept();
            Pdu.LoginRequest r = target.next(Pdu.LoginRequest.class);
            target.send(target.loginResponse(r, false, 0, 0, 1, 1,
                    FakeTarget.text("TargetAddress", "127.0.0.1:" + other.port() + ",1")));
            other.accept();
            other.loginWithoutAuth(FakeTarget.answers("Yes", 8192, 65536, 262144));
            IscsiSession s = f.get(5, TimeUnit.SECONDS);
            sessions.add(s);
            assertThat(s.uri().port()).isEqualTo(other.port());
        }
    }

    @Test
    void aLogoutRequestFromTheTargetEndsTheSessionWithALogout() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> reason = new java.util.concurrent.atomic.AtomicReference<>();
        var f = CompletableFuture.supplyAsync(() -> {
            try {
                return IscsiSession.open(uri(""), OPTIONS, 0x800000000002L, x -> reason.set(x.closeReason()), null);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        target.accept();
        target.loginWithoutAuth(FakeTarget.answers("Yes", 8192, 65536, 262144));
        IscsiSession s = f.get(5, TimeUnit.SECONDS);
        target.send(new Pdu.AsyncMessage(0, target.statSN++, target.expCmdSN, target.maxCmdSN,
                Pdu.AsyncEvent.LOGOUT_REQUESTED, 0, 0, 0, 5, Bytes.EMPTY, Bytes.EMPTY));
        Pdu.LogoutRequest l = target.next(Pdu.LogoutRequest.class);
        target.send(new Pdu.LogoutResponse(0, l.initiatorTaskTag(), target.statSN++, target.expCmdSN,
                target.maxCmdSN, 0, 0));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // torn down first, onTornDown called right after: wait for both
        while ((!s.isTornDown() || reason.get() == null) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(s.isTornDown()).isTrue();
        assertThat(reason.get()).contains("requested a logout");
    }

    @Test
    void headerDigestsWhenTheTargetChoosesCrc32c() throws Exception {
        var f = open(uri(""), OPTIONS);
        target.accept();
        String[] answers = FakeTarget.answers("No", 4096, 8192, 16384);
        answers[1] = "CRC32C"; // HeaderDigest
        target.loginWithoutAuth(answers);
        target.useDigests(io.mpath4j.iscsi.pdu.Digests.HEADER_ONLY);
        IscsiSession s = f.get(5, TimeUnit.SECONDS);
        assertThat(s.parameters().headerDigest()).isTrue();
        byte[] data = new byte[10_000];
        new Random(7).nextBytes(data);
        var w = s.execute(ScsiCommand.write(0, WRITE10, ByteBuffer.wrap(data)));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        got.writeBytes(c.immediateData().toByteArray());
        while (got.size() < 8192) {
            got.writeBytes(target.next(Pdu.DataOut.class).data().toByteArray());
        }
        target.send(new Pdu.R2T(0, c.initiatorTaskTag(), 5, target.statSN, c.cmdSN() + 1, c.cmdSN() + 64, 0, 8192,
                data.length - 8192));
        while (got.size() < data.length) {
            got.writeBytes(target.next(Pdu.DataOut.class).data().toByteArray());
        }
        target.send(target.response(c, 0, Bytes.EMPTY, false, 0));
        assertThat(w.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
        assertThat(got.toByteArray()).isEqualTo(data);
        ByteBuffer into = ByteBuffer.allocate(512);
        var r = s.execute(ScsiCommand.read(0, READ10, into));
        Pdu.ScsiCommand rc = target.next(Pdu.ScsiCommand.class);
        target.send(new Pdu.DataIn(true, false, false, false, true, 0, 0, rc.initiatorTaskTag(), Pdu.RESERVED_TAG,
                target.statSN++, rc.cmdSN() + 1, rc.cmdSN() + 64, 0, 0, 0, Bytes.of(Arrays.copyOf(data, 512))));
        assertThat(r.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
        assertThat(into.array()).isEqualTo(Arrays.copyOf(data, 512));
    }

    @Test
    void dataDigestsOfferedComputedAndVerifiedAndABadOneDropsTheConnection() throws Exception {
        var f = open(uri(""), OPTIONS.withDigests(DigestOffer.PREFERRED, DigestOffer.PREFERRED));
        target.accept();
        String[] answers = FakeTarget.answers("Yes", 4096, 8192, 16384);
        answers[1] = "CRC32C"; // HeaderDigest
        answers[3] = "CRC32C"; // DataDigest
        Pdu.LoginRequest op = target.loginWithoutAuth(answers);
        assertThat(FakeTarget.text(op.text())).containsEntry("HeaderDigest", "CRC32C,None")
                .containsEntry("DataDigest", "CRC32C,None");
        target.useDigests(io.mpath4j.iscsi.pdu.Digests.BOTH); // its decoder now checks our digests
        IscsiSession s = f.get(5, TimeUnit.SECONDS);
        assertThat(s.parameters().dataDigest()).isTrue();
        byte[] data = new byte[3000];
        new Random(9).nextBytes(data);
        var w = s.execute(ScsiCommand.write(0, WRITE10, ByteBuffer.wrap(data)));
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class); // decoding verified header and data digests
        assertThat(c.immediateData().toByteArray()).isEqualTo(data);
        target.send(target.response(c, 0, Bytes.EMPTY, false, 0));
        assertThat(w.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);

        ByteBuffer into = ByteBuffer.allocate(512);
        var r = s.execute(ScsiCommand.read(0, READ10, into));
        Pdu.ScsiCommand rc = target.next(Pdu.ScsiCommand.class);
        Pdu.DataIn good = new Pdu.DataIn(true, false, false, false, true, 0, 0, rc.initiatorTaskTag(),
                Pdu.RESERVED_TAG, target.statSN++, rc.cmdSN() + 1, rc.cmdSN() + 64, 0, 0, 0,
                Bytes.of(Arrays.copyOf(data, 512)));
        target.send(good);
        assertThat(r.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
        assertThat(into.array()).isEqualTo(Arrays.copyOf(data, 512));

        // RFC 7143 §7.8 with ErrorRecoveryLevel 0: a data digest error ends the connection, and the
        // command fails as a path error (it may have executed: the target sent its data)
        var bad = s.execute(ScsiCommand.read(0, READ10, ByteBuffer.allocate(512)));
        Pdu.ScsiCommand bc = target.next(Pdu.ScsiCommand.class);
        byte[] wire = target.encode(new Pdu.DataIn(true, false, false, false, true, 0, 0, bc.initiatorTaskTag(),
                Pdu.RESERVED_TAG, target.statSN++, bc.cmdSN() + 1, bc.cmdSN() + 64, 0, 0, 0,
                Bytes.of(Arrays.copyOf(data, 512))));
        wire[48 + 4 + 100] ^= 1; // one bit of the data segment, after the header digest
        target.sendRaw(wire);
        ScsiResult failed = bad.get(5, TimeUnit.SECONDS);
        assertThat(failed).isInstanceOf(ScsiResult.Failed.class);
        assertThat(((ScsiResult.Failed) failed).mayStillExecute()).isTrue();
        assertThat(s.isTornDown()).isTrue();
        assertThat(s.closeReason()).containsIgnoringCase("digest");
    }

    @Test
    void aRequiredDataDigestTheTargetRejectsFailsTheLogin() throws Exception {
        var f = open(IscsiUri.parse("iscsi://127.0.0.1:" + target.port() + "/" + IQN + "/1?data_digest=crc32c"),
                OPTIONS);
        target.accept();
        String[] answers = FakeTarget.answers("Yes", 4096, 8192, 16384);
        answers[3] = "Reject"; // DataDigest: the target cannot do CRC32C
        Pdu.LoginRequest op = target.loginWithoutAuth(answers);
        assertThat(FakeTarget.text(op.text())).containsEntry("DataDigest", "CRC32C");
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LoginException.class)
                .hasMessageContaining("data digests are required");
    }

    // ------------------------------------------------------------------ task management

    Pdu.TaskManagementResponse tmfResponse(Pdu.TaskManagementRequest m, int response) {
        return new Pdu.TaskManagementResponse(response, m.initiatorTaskTag(), target.statSN++, m.cmdSN(),
                m.cmdSN() + 63);
    }

    @Test
    void abortTaskEndsAnInFlightWriteOnceTheTargetSaysItIsGone() throws Exception {
        // InitialR2T=Yes, ImmediateData: 8 KiB immediate, the rest on R2T
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 8192, 262144));
        var result = new CompletableFuture<ScsiResult>();
        int itt = s.execute(ScsiCommand.write(0, WRITE10, ByteBuffer.allocate(16384)), result::complete);
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        assertThat(c.initiatorTaskTag()).isEqualTo(itt);
        var abort = s.abortTask(itt).toCompletableFuture();
        Pdu.TaskManagementRequest m = target.next(Pdu.TaskManagementRequest.class);
        assertThat(m.function()).isEqualTo(Pdu.TaskFunction.ABORT_TASK);
        assertThat(m.immediate()).isTrue();
        assertThat(m.referencedTaskTag()).isEqualTo(itt);
        assertThat(m.refCmdSN()).isEqualTo(c.cmdSN());
        assertThat(m.cmdSN()).as("immediate: the next CmdSN, not advanced").isEqualTo(c.cmdSN() + 1);
        assertThat(m.lun()).isEqualTo(c.lun());
        // an R2T the target sent before it saw the abort is still answered
        target.send(new Pdu.R2T(0, itt, 0x77, target.statSN, c.cmdSN() + 1, c.cmdSN() + 64, 0, 8192, 8192));
        Pdu.DataOut d = target.next(Pdu.DataOut.class);
        assertThat(d.targetTransferTag()).isEqualTo(0x77);
        Thread.sleep(100);
        assertThat(result).as("not gone before the TMF response").isNotDone();
        target.send(tmfResponse(m, Pdu.TaskManagementResponse.FUNCTION_COMPLETE));
        assertThat(abort.get(5, TimeUnit.SECONDS)).isEqualTo(TmfResponse.FUNCTION_COMPLETE);
        assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Failed.class, fail -> {
            assertThat(fail.mayStillExecute()).isFalse();
            assertThat(fail.reason()).contains("ABORT TASK", "function complete");
        });
        // a stray response for the aborted task is ignored, the session goes on
        target.send(target.response(c, 0, Bytes.EMPTY, false, 0));
        var next = s.execute(ScsiCommand.none(0, new byte[6]));
        Pdu.ScsiCommand c2 = target.next(Pdu.ScsiCommand.class);
        target.send(target.response(c2, 0, Bytes.EMPTY, false, 0));
        assertThat(next.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
        assertThat(s.isUsable()).isTrue();
    }

    @Test
    void taskDoesNotExistStillMeansTheTaskIsGone() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        assertThat(s.abortTask(0x12345).toCompletableFuture().get(1, TimeUnit.SECONDS))
                .as("an ITT we do not know is answered without asking").isEqualTo(TmfResponse.TASK_DOES_NOT_EXIST);
        var result = new CompletableFuture<ScsiResult>();
        int itt = s.execute(ScsiCommand.write(0, WRITE10, ByteBuffer.allocate(512)), result::complete);
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        var abort = s.abortTask(itt).toCompletableFuture();
        Pdu.TaskManagementRequest m = target.next(Pdu.TaskManagementRequest.class);
        assertThat(m.referencedTaskTag()).isEqualTo(c.initiatorTaskTag());
        target.send(tmfResponse(m, Pdu.TaskManagementResponse.TASK_DOES_NOT_EXIST));
        assertThat(abort.get(5, TimeUnit.SECONDS)).isEqualTo(TmfResponse.TASK_DOES_NOT_EXIST);
        assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Failed.class,
                fail -> assertThat(fail.mayStillExecute()).isFalse());
        assertThat(s.isUsable()).isTrue();
    }

    @Test
    void aRejectedAbortLeavesTheTaskOutstanding() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        var result = new CompletableFuture<ScsiResult>();
        int itt = s.execute(ScsiCommand.none(0, new byte[6]), result::complete);
        Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
        var abort = s.abortTask(itt).toCompletableFuture();
        Pdu.TaskManagementRequest m = target.next(Pdu.TaskManagementRequest.class);
        target.send(tmfResponse(m, Pdu.TaskManagementResponse.FUNCTION_REJECTED));
        assertThat(abort.get(5, TimeUnit.SECONDS)).isEqualTo(TmfResponse.FUNCTION_REJECTED);
        Thread.sleep(100);
        assertThat(result).isNotDone();
        target.send(target.response(c, 0, Bytes.EMPTY, false, 0));
        assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
    }

    @Test
    void logicalUnitResetEndsEveryOutstandingCommandOfThatLun() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        long lun0 = 0;
        long lun1 = 0x0001_0000_0000_0000L;
        List<CompletableFuture<ScsiResult>> onLun0 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onLun0.add(s.execute(ScsiCommand.write(lun0, WRITE10, ByteBuffer.allocate(512))));
        }
        var onLun1 = s.execute(ScsiCommand.none(lun1, new byte[6]));
        Pdu.ScsiCommand other = null;
        for (int i = 0; i < 4; i++) {
            Pdu.ScsiCommand c = target.next(Pdu.ScsiCommand.class);
            if (c.lun() == lun1) {
                other = c;
            }
        }
        var reset = s.logicalUnitReset(lun0).toCompletableFuture();
        Pdu.TaskManagementRequest m = target.next(Pdu.TaskManagementRequest.class);
        assertThat(m.function()).isEqualTo(Pdu.TaskFunction.LOGICAL_UNIT_RESET);
        assertThat(m.lun()).isEqualTo(lun0);
        assertThat(m.referencedTaskTag()).isEqualTo(Pdu.RESERVED_TAG);
        assertThat(m.immediate()).isTrue();
        target.send(tmfResponse(m, Pdu.TaskManagementResponse.FUNCTION_COMPLETE));
        assertThat(reset.get(5, TimeUnit.SECONDS)).isEqualTo(TmfResponse.FUNCTION_COMPLETE);
        for (var r : onLun0) {
            assertThat(r.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScsiResult.Failed.class,
                    fail -> assertThat(fail.mayStillExecute()).isFalse());
        }
        assertThat(onLun1).isNotDone();
        target.send(target.response(other, 0, Bytes.EMPTY, false, 0));
        assertThat(onLun1.get(5, TimeUnit.SECONDS)).isInstanceOf(ScsiResult.Completed.class);
    }

    @Test
    void aTmfPendingAtConnectionLossFails() throws Exception {
        IscsiSession s = login(FakeTarget.answers("Yes", 8192, 65536, 262144));
        var reset = s.logicalUnitReset(0).toCompletableFuture();
        target.next(Pdu.TaskManagementRequest.class);
        target.closeConnection();
        assertThatThrownBy(() -> reset.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(java.io.IOException.class);
    }
}
