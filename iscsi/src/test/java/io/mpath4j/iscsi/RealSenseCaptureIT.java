package io.mpath4j.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoStatus;
import io.mpath4j.iscsi.session.IscsiSession;
import io.mpath4j.iscsi.session.ScsiCommand;
import io.mpath4j.iscsi.session.ScsiResult;
import io.mpath4j.iscsi.session.TmfResponse;
import io.mpath4j.nbd.PeerProcess;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.classify.Classification;
import io.mpath4j.scsi.classify.ScsiClassifier;
import io.mpath4j.scsi.data.Lun;
import io.mpath4j.scsi.data.ReadCapacity16Data;
import io.mpath4j.scsi.pr.PrOutAction;
import io.mpath4j.scsi.pr.PrOutParameterList;
import io.mpath4j.scsi.pr.PrType;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provokes real errors from tgt and prints the raw status and sense bytes of its SCSI Responses
 * ("VECTOR name status=.. sense=.."), the source of the tgt vectors in the {@code scsi} module's
 * {@code ScsiClassifierTest.realTgtResponses}. Each one is also classified here, live, so a change
 * in tgt's answers or in the classifier shows up in this test as well.
 *
 * <p>Two sessions with different ISIDs are two I_T nexuses: A provokes (reservation, LU reset,
 * LUN added), B observes.
 */
class RealSenseCaptureIT {

    static final long LUN1 = Lun.of(1).raw();
    static final IscsiOptions OPTIONS = IscsiOptions.defaults()
            .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10));

    private TgtTarget tgt;
    private IscsiSession a;
    private IscsiSession b;

    @BeforeEach
    void start() throws Exception {
        PeerProcess.requireTool("tgtd");
        tgt = TgtTarget.start(16 << 20);
        a = IscsiSession.open(tgt.uri("127.0.0.1"), OPTIONS, 0x800000000a01L, s -> {}, null);
        b = IscsiSession.open(tgt.uri("127.0.0.1"), OPTIONS, 0x800000000b02L, s -> {}, null);
        clearUnitAttentions(a);
        clearUnitAttentions(b);
    }

    @AfterEach
    void stop() {
        for (IscsiSession s : new IscsiSession[] {a, b}) {
            if (s != null) {
                s.abort("test end");
            }
        }
        if (tgt != null) {
            tgt.close();
        }
    }

    static ScsiResult.Completed run(IscsiSession s, ScsiCommand c) throws Exception {
        ScsiResult r = s.execute(c).get(10, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(ScsiResult.Completed.class);
        return (ScsiResult.Completed) r;
    }

    static ScsiResult.Completed tur(IscsiSession s) throws Exception {
        return run(s, ScsiCommand.none(LUN1, new Cdb.TestUnitReady().encode()));
    }

    /** TEST UNIT READY until GOOD (a new nexus may start with a unit attention); at most 5. */
    static void clearUnitAttentions(IscsiSession s) throws Exception {
        for (int i = 0; i < 5; i++) {
            ScsiResult.Completed r = tur(s);
            if (r.status() == 0) {
                return;
            }
            print("first TUR on a new nexus #" + i, r);
        }
        throw new AssertionError("unit attentions do not clear");
    }

    static void print(String name, ScsiResult.Completed r) {
        System.out.printf("VECTOR %s status=%02x sense=%s%n", name, r.status(), HexFormat.of().formatHex(r.sense()));
    }

    static SenseData sense(ScsiResult.Completed r) throws Exception {
        assertThat(r.status()).as("CHECK CONDITION").isEqualTo(0x02);
        return SenseData.decode(r.sense());
    }

    @Test
    void readBeyondCapacityIsIllegalRequestLbaOutOfRange() throws Exception {
        ByteBuffer rc = ByteBuffer.allocate(32);
        run(a, ScsiCommand.read(LUN1, new Cdb.ReadCapacity16(32).encode(), rc));
        long blocks = ReadCapacity16Data.decode(rc.array()).blocks();
        ScsiResult.Completed r = run(a, ScsiCommand.read(LUN1, new Cdb.Read16(blocks, 1, false).encode(),
                ByteBuffer.allocate(512)));
        print("READ(16) at LBA = capacity", r);
        SenseData s = sense(r);
        assertThat(s.key()).isEqualTo(SenseKey.ILLEGAL_REQUEST);
        assertThat(s.is(0x21, 0x00)).isTrue();
        assertThat(classify(r).status()).isInstanceOf(IoStatus.TargetError.class);
    }

    @Test
    void anUnsupportedOpcodeIsIllegalRequestInvalidCommandOperationCode() throws Exception {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0xea; // vendor specific: tgt implements none
        ScsiResult.Completed r = run(a, ScsiCommand.none(LUN1, cdb));
        print("opcode EAh", r);
        SenseData s = sense(r);
        assertThat(s.key()).isEqualTo(SenseKey.ILLEGAL_REQUEST);
        assertThat(s.is(0x20, 0x00)).isTrue();
        assertThat(((IoStatus.TargetError) classify(r).status()).kind())
                .isEqualTo(IoStatus.TargetError.Kind.ILLEGAL_REQUEST);
    }

    @Test
    void aWriteAgainstAnotherNexussWriteExclusiveReservationIsAReservationConflict() throws Exception {
        assertThat(prOut(a, PrOutAction.REGISTER, 0, PrOutParameterList.register(0, 0xa)).status()).isZero();
        assertThat(prOut(a, PrOutAction.RESERVE, PrType.WRITE_EXCLUSIVE.code(), PrOutParameterList.key(0xa))
                .status()).isZero();
        ScsiResult.Completed r = run(b, ScsiCommand.write(LUN1, new Cdb.Write10(0, 1, false).encode(),
                ByteBuffer.allocate(512)));
        print("WRITE(10) under another nexus's WRITE EXCLUSIVE reservation", r);
        assertThat(r.status()).isEqualTo(0x18);
        assertThat(classify(r).status()).isInstanceOf(IoStatus.ReservationConflict.class);
        // reads are still allowed under Write Exclusive
        assertThat(run(b, ScsiCommand.read(LUN1, new Cdb.Read10(0, 1, false).encode(), ByteBuffer.allocate(512)))
                .status()).isZero();
        assertThat(prOut(a, PrOutAction.CLEAR, 0, PrOutParameterList.key(0xa)).status()).isZero();
    }

    private static ScsiResult.Completed prOut(IscsiSession s, PrOutAction action, int type, PrOutParameterList p)
            throws Exception {
        byte[] list = p.encode();
        return run(s, ScsiCommand.write(LUN1, new Cdb.PersistentReserveOut(action, 0, type, list.length).encode(),
                ByteBuffer.wrap(list)));
    }

    @Test
    void aLogicalUnitResetByOneNexusIsAUnitAttentionForTheOther() throws Exception {
        assertThat(a.logicalUnitReset(LUN1).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(TmfResponse.FUNCTION_COMPLETE);
        ScsiResult.Completed r = tur(b);
        print("TUR after another nexus's LOGICAL UNIT RESET", r);
        SenseData s = sense(r);
        assertThat(s.key()).isEqualTo(SenseKey.UNIT_ATTENTION);
        assertThat(s.asc()).isEqualTo(0x29); // POWER ON, RESET, OR BUS DEVICE RESET OCCURRED (29h/xx)
        assertThat(classify(r).status()).isInstanceOf(IoStatus.RetryLater.class);
        assertThat(tur(b).status()).as("reported once").isZero();
    }

    @Test
    void aLunAddedWithTgtadmIsAUnitAttentionReportedLunsDataHasChanged() throws Exception {
        PeerProcess.run(java.util.List.of("truncate", "-s", "1M", tgt.backing + ".lun2"), Duration.ofSeconds(5));
        try {
            tgt.adm("--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "2", "-b", tgt.backing + ".lun2");
            ScsiResult.Completed r = tur(b);
            print("TUR after tgtadm added LUN 2", r);
            SenseData s = sense(r);
            assertThat(s.key()).isEqualTo(SenseKey.UNIT_ATTENTION);
            assertThat(s.is(0x3f, 0x0e)).isTrue();
            assertThat(classify(r).action()).isEqualTo(io.mpath4j.scsi.classify.TransportAction.RESCAN_LUNS);
        } finally {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(tgt.backing + ".lun2"));
        }
    }

    @Test
    void aWriteToALunMadeReadOnlyWithTgtadmIsDataProtect() throws Exception {
        tgt.adm("--op", "update", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "--params", "readonly=1");
        ScsiResult.Completed r = run(b, ScsiCommand.write(LUN1, new Cdb.Write10(0, 1, false).encode(),
                ByteBuffer.allocate(512)));
        print("WRITE(10) after tgtadm readonly=1", r);
        SenseData s = sense(r);
        assertThat(s.key()).isEqualTo(SenseKey.DATA_PROTECT);
        assertThat(s.asc()).isEqualTo(0x27);
        assertThat(((IoStatus.TargetError) classify(r).status()).kind())
                .isEqualTo(IoStatus.TargetError.Kind.WRITE_PROTECTED);
    }

    private static Classification classify(ScsiResult.Completed r) {
        return ScsiClassifier.DEFAULT.classify(r.status(), r.sense(), 0);
    }
}
