package io.mpath4j.lab.lu;

import static io.mpath4j.lab.lu.LuHarness.A;
import static io.mpath4j.lab.lu.LuHarness.B;
import static io.mpath4j.lab.lu.LuHarness.BLOCKS;
import static io.mpath4j.lab.lu.LuHarness.BS;
import static io.mpath4j.lab.lu.LuHarness.assertGood;
import static io.mpath4j.lab.lu.LuHarness.assertSense;
import static io.mpath4j.lab.lu.LuHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.alua.AluaState;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.data.Lun;
import io.mpath4j.scsi.data.ReadCapacity10Data;
import io.mpath4j.scsi.data.ReadCapacity16Data;
import io.mpath4j.scsi.data.ReportLunsData;
import io.mpath4j.scsi.vpd.BlockLimits;
import io.mpath4j.scsi.vpd.DeviceIdentification;
import io.mpath4j.scsi.vpd.LogicalBlockProvisioning;
import io.mpath4j.scsi.vpd.StandardInquiry;
import io.mpath4j.scsi.vpd.SupportedVpdPages;
import io.mpath4j.scsi.vpd.UnitSerialNumber;
import io.mpath4j.scsi.vpd.Wwid;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** INQUIRY, VPD pages, READ CAPACITY and REPORT LUNS, decoded with the scsi module. */
class InquiryTest {

    static TargetPortGroups twoGroups() {
        return TargetPortGroups.builder()
                .group(1, AluaState.ACTIVE_OPTIMIZED, 1)
                .group(2, AluaState.ACTIVE_NON_OPTIMIZED, 2)
                .build();
    }

    @Test
    void standardInquiryNamesTheLabDiskAndItsAluaSupport() throws Exception {
        LuHarness plain = LuHarness.memoryLu();
        StandardInquiry s = StandardInquiry.decode(bytes(plain.exec(Cdb.Inquiry.standard(96))));
        assertThat(s.peripheralQualifier()).isZero();
        assertThat(s.deviceType()).isZero();
        assertThat(s.vendor()).isEqualTo("MPATH4J");
        assertThat(s.product()).isEqualTo("LAB DISK");
        assertThat(s.tpgs()).isZero();
        byte[] raw = bytes(plain.exec(Cdb.Inquiry.standard(255)));
        assertThat(raw).hasSize(96);
        assertThat(raw[4] & 0xFF).isEqualTo(91);
        assertThat(io.mpath4j.scsi.ScsiBytes.u16(raw, 62)).isEqualTo(0x0460); // SPC-4
        assertThat(io.mpath4j.scsi.ScsiBytes.u16(raw, 64)).isEqualTo(0x04C0); // SBC-3

        LuHarness alua = LuHarness.of(LabLogicalUnit.builder("x", Backstore.memory(BLOCKS * BS, BS))
                .portGroups(twoGroups()).build());
        StandardInquiry a = StandardInquiry.decode(bytes(alua.exec(Cdb.Inquiry.standard(36))));
        assertThat(a.tpgs()).isEqualTo(3);
        assertThat(a.multiPort()).isTrue();
    }

    @Test
    void inquiryDoesNotConsumeTheUnitAttentionAndTruncatesToTheAllocationLength() {
        LuHarness h = LuHarness.memoryLu();
        assertThat(bytes(h.exec(Cdb.Inquiry.standard(5)))).hasSize(5);
        assertThat(bytes(h.exec(Cdb.Inquiry.standard(0)))).isEmpty();
        assertSense(h.exec(new Cdb.TestUnitReady()), Sense.POWER_ON_RESET);
    }

    @Test
    void invalidInquiryFields() {
        LuHarness h = LuHarness.memoryLu();
        assertSense(h.exec(new Cdb.Inquiry(false, 0x83, 255)), Sense.INVALID_FIELD_IN_CDB); // page without EVPD
        assertSense(h.exec(Cdb.Inquiry.vpd(0x89, 255)), Sense.INVALID_FIELD_IN_CDB); // unsupported page
        assertSense(h.exec(new byte[] {0x12, 0x02, 0, 0, (byte) 0xFF, 0}), Sense.INVALID_FIELD_IN_CDB); // CMDDT
    }

    @Test
    void vpdPages() throws Exception {
        LuHarness h = LuHarness.of(LabLogicalUnit.builder("disk-7", Backstore.memory(BLOCKS * BS, BS))
                .serial("SN0007").portGroups(twoGroups()).build());
        assertThat(SupportedVpdPages.decode(bytes(h.exec(Cdb.Inquiry.vpd(0x00, 255)))).pages())
                .containsExactly(0x00, 0x80, 0x83, 0xB0, 0xB1, 0xB2);
        assertThat(UnitSerialNumber.decode(bytes(h.exec(Cdb.Inquiry.vpd(0x80, 255)))).serial()).isEqualTo("SN0007");

        byte[] p83a = bytes(h.exec(A, Cdb.Inquiry.vpd(0x83, 1024), null));
        byte[] p83b = bytes(h.exec(B, Cdb.Inquiry.vpd(0x83, 1024), null));
        DeviceIdentification a = DeviceIdentification.decode(p83a);
        DeviceIdentification b = DeviceIdentification.decode(p83b);
        assertThat(a.relativeTargetPort()).hasValue(1);
        assertThat(a.targetPortGroup()).hasValue(1);
        assertThat(b.relativeTargetPort()).hasValue(2);
        assertThat(b.targetPortGroup()).hasValue(2);
        // one LU on two paths: the same WWID, an NAA 6 one, the one LabLogicalUnit reports
        assertThat(Wwid.fromVpd83(p83a)).isEqualTo(Wwid.fromVpd83(p83b)).hasValue(h.lu().wwid());
        assertThat(h.lu().wwid()).startsWith("36024d50");

        BlockLimits bl = BlockLimits.decode(bytes(h.exec(Cdb.Inquiry.vpd(0xB0, 255))));
        assertThat(bl.wsnz()).isTrue();
        assertThat(bl.maxCompareAndWriteLength()).isEqualTo(255);
        assertThat(bl.maxUnmapBlockDescriptorCount()).isPositive();
        LogicalBlockProvisioning lbp = LogicalBlockProvisioning.decode(bytes(h.exec(Cdb.Inquiry.vpd(0xB2, 255))));
        assertThat(lbp.lbpu()).isTrue();
        assertThat(lbp.lbpws()).isTrue();
        assertThat(lbp.lbpws10()).isTrue();
        assertThat(lbp.lbprz()).isEqualTo(1);
        assertGood(h.exec(Cdb.Inquiry.vpd(0xB1, 255)));
    }

    @Test
    void sameIdSameWwidOtherIdOtherWwid() {
        String one = LabLogicalUnit.builder("a", Backstore.memory(4096, 512)).build().wwid();
        assertThat(LabLogicalUnit.builder("a", Backstore.memory(4096, 512)).build().wwid()).isEqualTo(one);
        assertThat(LabLogicalUnit.builder("b", Backstore.memory(4096, 512)).build().wwid()).isNotEqualTo(one);
    }

    @Test
    void fullyProvisionedUnitHasNoUnmap() throws Exception {
        LuHarness h = LuHarness.of(LabLogicalUnit.builder("thick", Backstore.memory(BLOCKS * BS, BS)).thin(false).build())
                .clearUa(A);
        assertThat(LogicalBlockProvisioning.decode(bytes(h.exec(Cdb.Inquiry.vpd(0xB2, 255)))).lbpu()).isFalse();
        assertThat(ReadCapacity16Data.decode(bytes(h.exec(new Cdb.ReadCapacity16(32)))).lbpme()).isFalse();
        assertSense(h.exec(A, new Cdb.Unmap(false, 24), new byte[24]), Sense.INVALID_COMMAND_OPERATION_CODE);
    }

    @Test
    void readCapacity() throws Exception {
        LuHarness h = LuHarness.memoryLu().clearUa(A);
        ReadCapacity10Data c10 = ReadCapacity10Data.decode(bytes(h.exec(new Cdb.ReadCapacity10())));
        assertThat(c10.lastLba()).isEqualTo(BLOCKS - 1);
        assertThat(c10.blockLength()).isEqualTo(BS);
        ReadCapacity16Data c16 = ReadCapacity16Data.decode(bytes(h.exec(new Cdb.ReadCapacity16(32))));
        assertThat(c16.blocks()).isEqualTo(BLOCKS);
        assertThat(c16.lbpme()).isTrue();
        assertThat(c16.lbprz()).isTrue();
        assertThat(bytes(h.exec(new Cdb.ReadCapacity16(12)))).hasSize(12);
        byte[] lbaWithoutPmi = new Cdb.ReadCapacity10().encode();
        lbaWithoutPmi[5] = 1;
        assertSense(h.exec(lbaWithoutPmi), Sense.INVALID_FIELD_IN_CDB);
    }

    @Test
    void resizeRaisesCapacityDataHasChanged() throws Exception {
        LuHarness h = LuHarness.memoryLu().clearUa(A);
        h.lu().resize(2 * BLOCKS * BS);
        assertSense(h.exec(new Cdb.ReadCapacity10()), Sense.CAPACITY_DATA_HAS_CHANGED);
        assertThat(ReadCapacity10Data.decode(bytes(h.exec(new Cdb.ReadCapacity10()))).lastLba()).isEqualTo(2 * BLOCKS - 1);
    }

    @Test
    void reportLunsAndMissingLuns() throws Exception {
        LabLuns luns = LabLuns.builder()
                .lun(0, LabLogicalUnit.builder("l0", Backstore.memory(4096, 512)).build())
                .lun(3, LabLogicalUnit.builder("l3", Backstore.memory(4096, 512)).build())
                .build();
        TaskResult r = luns.execute(new ScsiTask(A, 7, new Cdb.ReportLuns(0, 256).encode(), null, 256));
        assertThat(ReportLunsData.decode(bytes(r)).luns()).containsExactly(Lun.of(0), Lun.of(3));
        assertSense(luns.execute(new ScsiTask(A, 7, new Cdb.ReportLuns(0, 15).encode(), null, 256)),
                Sense.INVALID_FIELD_IN_CDB);
        assertSense(luns.execute(new ScsiTask(A, 7, new Cdb.ReportLuns(3, 256).encode(), null, 256)),
                Sense.INVALID_FIELD_IN_CDB);

        StandardInquiry none = StandardInquiry.decode(bytes(
                luns.execute(new ScsiTask(A, 7, Cdb.Inquiry.standard(96).encode(), null, 96))));
        assertThat(none.peripheralQualifier()).isEqualTo(3);
        assertThat(none.deviceType()).isEqualTo(0x1F);
        assertSense(luns.execute(new ScsiTask(A, 7, new Cdb.Read10(0, 1, false).encode(), null, 512)),
                Sense.LOGICAL_UNIT_NOT_SUPPORTED);
        assertSense(luns.execute(new ScsiTask(A, 7, new Cdb.TestUnitReady().encode(), null, 0)),
                Sense.LOGICAL_UNIT_NOT_SUPPORTED);
    }

    @Test
    void reportLunsNeitherReportsNorClearsAUnitAttention() throws Exception {
        LuHarness h = LuHarness.memoryLu().clearUa(A);
        h.lu().resize(2 * BLOCKS * BS);
        assertThat(ReportLunsData.decode(bytes(h.exec(new Cdb.ReportLuns(0, 256)))).luns()).containsExactly(Lun.of(0));
        assertSense(h.exec(new Cdb.TestUnitReady()), Sense.CAPACITY_DATA_HAS_CHANGED);
        LuHarness fresh = LuHarness.memoryLu();
        assertGood(fresh.exec(new Cdb.ReportLuns(0, 256)));
        assertSense(fresh.exec(new Cdb.TestUnitReady()), Sense.POWER_ON_RESET);
    }

    @Test
    void requestSenseReturnsAndClearsTheUnitAttention() throws Exception {
        LuHarness h = LuHarness.memoryLu();
        byte[] s = bytes(h.exec(RawCdb.requestSense(18)));
        assertThat(io.mpath4j.scsi.sense.SenseData.decode(s)).isEqualTo(Sense.POWER_ON_RESET);
        byte[] none = bytes(h.exec(RawCdb.requestSense(18)));
        assertThat(none[2] & 0x0F).isZero(); // NO SENSE
        assertGood(h.exec(new Cdb.TestUnitReady()));
        assertThat(ByteBuffer.wrap(s).get(0) & 0x7F).isEqualTo(0x70);
    }

    @Test
    void lunsTableIsValidated() {
        LabLogicalUnit lu = LabLogicalUnit.builder("v", Backstore.memory(4096, 512)).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LabLuns.builder().lun(0, lu).lun(0, lu))
                .hasMessageContaining("duplicate LUN 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LabLuns.builder().lun(16384, lu))
                .hasMessageContaining("out of range");
    }
}
