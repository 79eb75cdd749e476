package io.mpath4j.lab.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.lab.lu.TaskResult;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import java.nio.ByteBuffer;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Residuals as iscsi-test-cu's Residuals suite checks them, Data-In splitting, phase collapse. */
class ResponsePlanTest {

    static Pdu.ScsiCommand cmd(boolean read, boolean write, int edtl) {
        return new Pdu.ScsiCommand(false, true, read, write, 1, 0, 5, edtl, 1, 1, Bytes.of(new byte[] {0x28}),
                OptionalInt.empty(), Bytes.EMPTY);
    }

    @Test
    void residualRules() {
        // READ(10) of one 512-byte block: EDTL 0 -> overflow 512; 10000 -> underflow 9488; 200 -> overflow 312
        assertThat(ResponsePlan.residual(true, false, 0, 512, -1)).isEqualTo(new ResponsePlan.Residual(true, false, 512));
        assertThat(ResponsePlan.residual(true, false, 10000, 512, -1)).isEqualTo(new ResponsePlan.Residual(false, true, 9488));
        assertThat(ResponsePlan.residual(true, false, 200, 512, -1)).isEqualTo(new ResponsePlan.Residual(true, false, 312));
        assertThat(ResponsePlan.residual(false, false, 0, 512, -1)).as("no R bit: EDTL counts as 0")
                .isEqualTo(new ResponsePlan.Residual(true, false, 512));
        // WRITE(10) of 2 blocks with EDTL of 1 block: overflow 512; 1 block with EDTL 10000: underflow 9488
        assertThat(ResponsePlan.residual(false, true, 512, 0, 1024)).isEqualTo(new ResponsePlan.Residual(true, false, 512));
        assertThat(ResponsePlan.residual(false, true, 10000, 0, 512)).isEqualTo(new ResponsePlan.Residual(false, true, 9488));
        assertThat(ResponsePlan.residual(false, true, 4096, 0, -1)).isEqualTo(ResponsePlan.Residual.NONE);
        assertThat(ResponsePlan.residual(true, false, 4096, 4096, -1)).isEqualTo(ResponsePlan.Residual.NONE);
    }

    @Test
    void goodReadIsSplitAndCollapsesItsStatus() {
        ResponsePlan.Planned p = ResponsePlan.plan(cmd(true, false, 10000), TaskResult.good(ByteBuffer.allocate(9000)), -1, 0,
                4096, 8192);
        assertThat(p.data()).hasSize(2);
        assertThat(p.response()).isNull();
        Pdu.DataIn first = p.data().get(0).build(7, 1, 10).withData();
        Pdu.DataIn second = p.data().get(1).build(7, 1, 10).withData();
        Pdu.DataIn last = p.collapsed().build(7, 1, 10).withData();
        assertThat(first.finalPdu()).isFalse();
        assertThat(first.data().length()).isEqualTo(4096);
        assertThat(second.finalPdu()).as("8 KiB: the end of a MaxBurstLength sequence").isTrue();
        assertThat(second.bufferOffset()).isEqualTo(4096);
        assertThat(last.statusPresent()).isTrue();
        assertThat(last.dataSN()).isEqualTo(2);
        assertThat(last.bufferOffset()).isEqualTo(8192);
        assertThat(last.data().length()).isEqualTo(808);
        assertThat(last.residualUnderflow()).isTrue();
        assertThat(last.residualCount()).isEqualTo(1000);
        assertThat(last.statSN()).isEqualTo(7);
    }

    @Test
    void checkConditionGoesInAScsiResponseWithSense() {
        SenseData sense = SenseData.of(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
        ResponsePlan.Planned p = ResponsePlan.plan(cmd(true, false, 512), TaskResult.checkCondition(sense), -1, 0, 8192, 8192);
        assertThat(p.data()).isEmpty();
        assertThat(p.collapsed()).isNull();
        Pdu.ScsiResponse r = (Pdu.ScsiResponse) p.response().build(3, 4, 5);
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.senseData().toByteArray()).isEqualTo(sense.encode());
        assertThat(r.residualUnderflow()).isTrue();
        assertThat(r.residualCount()).isEqualTo(512);
    }

    @Test
    void writeStatusCountsR2TsInExpDataSN() {
        ResponsePlan.Planned p = ResponsePlan.plan(cmd(false, true, 8192), TaskResult.good(), 8192, 3, 8192, 8192);
        Pdu.ScsiResponse r = (Pdu.ScsiResponse) p.response().build(1, 1, 1);
        assertThat(r.expDataSN()).isEqualTo(3);
        assertThat(r.residualOverflow() || r.residualUnderflow()).isFalse();
    }
}
