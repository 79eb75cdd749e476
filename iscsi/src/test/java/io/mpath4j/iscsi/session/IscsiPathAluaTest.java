package io.mpath4j.iscsi.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.scsi.Octets;
import io.mpath4j.scsi.alua.AluaState;
import io.mpath4j.scsi.alua.ReportTargetPortGroupsData;
import io.mpath4j.scsi.alua.TargetPortGroupDescriptor;
import io.mpath4j.scsi.data.ReadCapacity16Data;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import io.mpath4j.scsi.vpd.BlockLimits;
import io.mpath4j.scsi.vpd.DesignationDescriptor;
import io.mpath4j.scsi.vpd.Designator;
import io.mpath4j.scsi.vpd.DeviceIdentification;
import io.mpath4j.scsi.vpd.StandardInquiry;
import io.mpath4j.scsi.vpd.SupportedVpdPages;
import io.mpath4j.scsi.vpd.UnitSerialNumber;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link IscsiPath}'s identity, ALUA handling and checker against a scripted ALUA target (tgt has
 * no ALUA): INQUIRY TPGS=1, VPD 83h with a target port group designator, REPORT TARGET PORT
 * GROUPS, and a unit attention "asymmetric access state changed".
 */
class IscsiPathAluaTest {

    static final String NAA = "6001405aabbccdd00112233445566778";

    FakeTarget target;
    volatile AluaState state = AluaState.ACTIVE_NON_OPTIMIZED;
    volatile boolean pendingUa;
    Thread responder;

    @AfterEach
    void stop() throws Exception {
        if (responder != null) {
            responder.interrupt();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    void identityAccessStateAndAnAluaChangeFromAUnitAttention() throws Exception {
        target = new FakeTarget();
        IscsiUri uri = IscsiUri.parse("iscsi://127.0.0.1:" + target.port() + "/iqn.2026-11.io.mpath4j:alua/1");
        IscsiOptions o = IscsiOptions.defaults().withNop(Duration.ofSeconds(30), Duration.ofSeconds(30));
        var path = CompletableFuture.supplyAsync(() -> {
            try {
                return IscsiPath.connect(uri, o);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        target.accept();
        target.loginWithoutAuth(FakeTarget.answers("Yes", 8192, 65536, 262144));
        responder = Thread.ofVirtual().start(this::respond);
        IscsiPath p = path.get(10, TimeUnit.SECONDS);
        try {
            assertThat(p.identity().wwid()).isEqualTo("3" + NAA);
            assertThat(p.identity().vendor()).isEqualTo("MPATH4J");
            assertThat(p.identity().product()).isEqualTo("ALUA");
            assertThat(p.identity().serial()).isEqualTo("SN42");
            assertThat(p.identity().targetPortGroup()).isEqualTo(7);
            assertThat(p.geometry().sizeBytes()).isEqualTo(2048L * 4096);
            assertThat(p.geometry().logicalBlockSize()).isEqualTo(4096);
            assertThat(p.accessState()).isEqualTo(AccessState.NON_OPTIMIZED);

            LinkedBlockingQueue<PathEvent> events = new LinkedBlockingQueue<>();
            p.setEventListener(events::add);
            state = AluaState.STANDBY;
            pendingUa = true;
            CompletableFuture<IoStatus> read = new CompletableFuture<>();
            p.submit(new IoRequest.Read(0, ByteBuffer.allocate(4096)), read::complete);
            assertThat(read.get(5, TimeUnit.SECONDS)).as("a unit attention is retried by the engine")
                    .isInstanceOf(IoStatus.RetryLater.class);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(new PathEvent.AccessStateChanged(AccessState.STANDBY));
            assertThat(p.accessState()).isEqualTo(AccessState.STANDBY);
            var check = p.check().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(check.state()).isEqualTo(CheckerState.GHOST);
            state = AluaState.ACTIVE_OPTIMIZED;
            check = p.check().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(check.state()).isEqualTo(CheckerState.READY);
            assertThat(check.accessState()).isEqualTo(AccessState.OPTIMIZED);
        } finally {
            p.abortSession("test end");
            p.close();
        }
    }

    private void respond() {
        try {
            while (true) {
                Pdu pdu = target.next();
                if (pdu instanceof Pdu.ScsiCommand c) {
                    answer(c);
                } else if (pdu instanceof Pdu.LogoutRequest l) {
                    target.send(new Pdu.LogoutResponse(0, l.initiatorTaskTag(), target.statSN++, target.expCmdSN,
                            target.maxCmdSN, 0, 0));
                    return;
                }
            }
        } catch (Exception e) {
            // connection closed: the test is over
        }
    }

    private void answer(Pdu.ScsiCommand c) throws Exception {
        byte[] cdb = c.cdb().toByteArray();
        int op = cdb[0] & 0xff;
        byte[] data = switch (op) {
            case 0x12 -> (cdb[1] & 1) == 0
                    ? StandardInquiry.disk("MPATH4J", "ALUA", "0001", 1, true).encode()
                    : switch (cdb[2] & 0xff) {
                        case 0x00 -> new SupportedVpdPages(List.of(0x00, 0x80, 0x83, 0xB0)).encode();
                        case 0x80 -> new UnitSerialNumber("SN42").encode();
                        case 0x83 -> new DeviceIdentification(List.of(
                                DesignationDescriptor.logicalUnit(new Designator.Naa(Octets.hex(NAA))),
                                DesignationDescriptor.targetPort(DesignationDescriptor.PROTOCOL_ISCSI,
                                        new Designator.RelativeTargetPort(1)),
                                DesignationDescriptor.targetPort(DesignationDescriptor.PROTOCOL_ISCSI,
                                        new Designator.TargetPortGroup(7)))).encode();
                        case 0xB0 -> new BlockLimits(false, 0, 1, 256, 16, 0, 0, 0, 0, false, 0, 0).encode();
                        default -> null;
                    };
            case 0x9E -> ReadCapacity16Data.of(2048, 4096, 0, false).encode();
            case 0xA3 -> new ReportTargetPortGroupsData(true, 0, List.of(
                    TargetPortGroupDescriptor.of(7, state, false, List.of(1)),
                    TargetPortGroupDescriptor.of(8, AluaState.ACTIVE_OPTIMIZED, true, List.of(2)))).encode();
            default -> new byte[0];
        };
        if (data == null) {
            checkCondition(c, SenseData.of(SenseKey.ILLEGAL_REQUEST, 0x24, 0));
            return;
        }
        if (op == 0x28 && pendingUa) {
            pendingUa = false;
            checkCondition(c, SenseData.of(SenseKey.UNIT_ATTENTION, 0x2A, 0x06));
            return;
        }
        if (op == 0x00 && !state.accessState().acceptsIo()) {
            checkCondition(c, SenseData.of(SenseKey.NOT_READY, 0x04, 0x0B));
            return;
        }
        if (op == 0x28) {
            data = new byte[c.expectedDataTransferLength()];
        }
        int n = Math.min(data.length, c.expectedDataTransferLength());
        int residual = c.expectedDataTransferLength() - n;
        target.expCmdSN = c.cmdSN() + 1;
        target.maxCmdSN = target.expCmdSN + 63;
        if (n == 0 || !c.read()) {
            target.send(target.response(c, 0, Bytes.EMPTY, false, 0));
            return;
        }
        byte[] seg = java.util.Arrays.copyOf(data, n);
        target.send(new Pdu.DataIn(true, false, false, residual > 0, true, 0, 0, c.initiatorTaskTag(),
                Pdu.RESERVED_TAG, target.statSN++, target.expCmdSN, target.maxCmdSN, 0, 0, residual, Bytes.of(seg)));
    }

    private void checkCondition(Pdu.ScsiCommand c, SenseData sense) throws Exception {
        target.send(target.response(c, 2, Bytes.of(sense.encode()), false, 0));
    }
}
