package io.mpath4j.scsi;

import static io.mpath4j.scsi.Hex.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.scsi.alua.AluaState;
import io.mpath4j.scsi.alua.ReportTargetPortGroupsData;
import io.mpath4j.scsi.alua.SetTargetPortGroupsParameters;
import io.mpath4j.scsi.alua.TargetPortGroupDescriptor;
import io.mpath4j.scsi.data.Lun;
import io.mpath4j.scsi.data.ReadCapacity10Data;
import io.mpath4j.scsi.data.ReadCapacity16Data;
import io.mpath4j.scsi.data.ReportLunsData;
import io.mpath4j.scsi.pr.PrInData;
import io.mpath4j.scsi.pr.PrOutParameterList;
import io.mpath4j.scsi.pr.PrType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** READ CAPACITY, REPORT LUNS, ALUA and persistent reservation data vectors. */
class DataTest {

    @Test
    void readCapacity10() throws ScsiFormatException {
        // 0-3 last LBA, 4-7 block length
        ReadCapacity10Data d = ReadCapacity10Data.decode(b("00 1f ff ff 00 00 02 00"));
        assertThat(d).isEqualTo(new ReadCapacity10Data(0x1FFFFF, 512));
        assertThat(Hex.s(ReadCapacity10Data.of(0x200000, 512).encode())).isEqualTo("00 1f ff ff 00 00 02 00");
        assertThat(ReadCapacity10Data.of(1L << 33, 512).needs16()).isTrue();
        assertThatThrownBy(() -> ReadCapacity10Data.decode(b("00 1f ff ff 00 00 02"))).isInstanceOf(ScsiFormatException.class);
    }

    @Test
    void readCapacity16() throws ScsiFormatException {
        // 0-7 last LBA, 8-11 block length, 12 P_TYPE/PROT_EN, 13 P_I_EXP/LBPPBE, 14-15 LBPME|LBPRZ|lowest aligned
        String hex = "00 00 00 01 ff ff ff ff 00 00 02 00 00 03 c0 00" + " 00".repeat(16);
        ReadCapacity16Data d = ReadCapacity16Data.decode(b(hex));
        assertThat(d).isEqualTo(ReadCapacity16Data.of(1L << 33, 512, 3, true));
        assertThat(d.blocks()).isEqualTo(1L << 33);
        assertThat(d.physicalBlockLength()).isEqualTo(4096);
        assertThat(d.lbpme()).isTrue();
        assertThat(Hex.s(d.encode())).isEqualTo(hex.trim());
        assertThat(ReadCapacity16Data.decode(b(hex.substring(0, 47)))).isEqualTo(d); // 16 bytes suffice
        ReadCapacity16Data prot = ReadCapacity16Data.decode(b("00 00 00 00 00 00 ff ff 00 00 10 00 05 11 00 07"));
        assertThat(prot.protectionEnabled()).isTrue();
        assertThat(prot.protectionType()).isEqualTo(2);
        assertThat(prot.pIExponent()).isEqualTo(1);
        assertThat(prot.lowestAlignedLba()).isEqualTo(7);
        assertThatThrownBy(() -> ReadCapacity16Data.decode(b("00 00 00 00"))).isInstanceOf(ScsiFormatException.class);
    }

    @Test
    void reportLunsAndLunAddressing() throws ScsiFormatException {
        // 0-3 LUN list length, 4-7 reserved, 8-byte LUNs: peripheral 0, peripheral 1, flat 300 (0x412c)
        String hex = "00 00 00 18 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 41 2c 00 00 00 00 00 00";
        ReportLunsData d = ReportLunsData.decode(b(hex));
        assertThat(d.luns()).containsExactly(Lun.of(0), Lun.of(1), Lun.of(300));
        assertThat(d.luns()).extracting(Lun::number).containsExactly(0, 1, 300);
        assertThat(d.luns().get(2).method()).isEqualTo(Lun.AddressMethod.FLAT);
        assertThat(Hex.s(d.encode())).isEqualTo(hex);
        assertThat(ReportLunsData.requiredLength(b(hex))).isEqualTo(32);
        // two-level and well-known LUNs have no simple number
        assertThat(new Lun(0x0001_0002_0000_0000L).number()).isEqualTo(-1);
        assertThat(new Lun(0xC101_0000_0000_0000L).method()).isEqualTo(Lun.AddressMethod.EXTENDED);
        assertThat(new Lun(0x0101_0000_0000_0000L).number()).isEqualTo(-1); // bus 1
        assertThatThrownBy(() -> ReportLunsData.decode(b("00 00 00 10 00 00 00 00 00 00 00 00 00 00 00 00")))
                .isInstanceOf(ScsiFormatException.class).hasMessageContaining("truncated").hasMessageContaining("24");
        assertThatThrownBy(() -> ReportLunsData.decode(b("00 00 00 04 00 00 00 00 00 00 00 00")))
                .isInstanceOf(ScsiFormatException.class).hasMessageContaining("multiple of 8");
    }

    /**
     * Two groups as LIO reports them: group 1 active/optimized (preferred) with port 1, group 2
     * standby with ports 2 and 3; extended header with a 60 s implicit transition time.
     */
    static final String RTPG_EXT = "00 00 00 20 10 3c 00 00"
            + " 80 cf 00 01 00 02 00 01 00 00 00 01"
            + " 02 cf 00 02 00 00 00 02 00 00 00 02 00 00 00 03";

    @Test
    void reportTargetPortGroupsExtendedHeader() throws ScsiFormatException {
        ReportTargetPortGroupsData d = ReportTargetPortGroupsData.decode(b(RTPG_EXT));
        assertThat(d.extendedHeader()).isTrue();
        assertThat(d.implicitTransitionTime()).isEqualTo(60);
        TargetPortGroupDescriptor g1 = d.groups().get(0);
        assertThat(g1.preferred()).isTrue();
        assertThat(g1.state()).isEqualTo(AluaState.ACTIVE_OPTIMIZED);
        assertThat(g1.accessState()).isEqualTo(AccessState.OPTIMIZED);
        assertThat(g1.groupId()).isEqualTo(1);
        assertThat(g1.statusCode()).isEqualTo(2);
        assertThat(g1.relativeTargetPorts()).containsExactly(1);
        assertThat(g1.supports(AluaState.TRANSITIONING)).isTrue();
        assertThat(g1.supports(AluaState.LBA_DEPENDENT)).isFalse();
        assertThat(d.groupOfPort(3).map(TargetPortGroupDescriptor::accessState)).hasValue(AccessState.STANDBY);
        assertThat(d.group(2).orElseThrow().relativeTargetPorts()).containsExactly(2, 3);
        assertThat(d).isEqualTo(new ReportTargetPortGroupsData(true, 60, List.of(
                new TargetPortGroupDescriptor(true, 0, 0xCF, 1, 2, 0, List.of(1)),
                new TargetPortGroupDescriptor(false, 2, 0xCF, 2, 0, 0, List.of(2, 3)))));
        assertThat(Hex.s(d.encode())).isEqualTo(RTPG_EXT);
    }

    @Test
    void reportTargetPortGroupsLengthOnlyHeader() throws ScsiFormatException {
        // no extended header: descriptors start at byte 4; state 0Eh offline, 0Fh transitioning
        String hex = "00 00 00 14 0e 01 00 05 00 00 00 01 00 00 00 07 8f 01 00 06 00 01 00 00";
        ReportTargetPortGroupsData d = ReportTargetPortGroupsData.decode(b(hex));
        assertThat(d.extendedHeader()).isFalse();
        assertThat(d.groups()).extracting(TargetPortGroupDescriptor::accessState)
                .containsExactly(AccessState.OFFLINE, AccessState.TRANSITIONING);
        assertThat(d.groups().get(1).relativeTargetPorts()).isEmpty();
        assertThat(Hex.s(d.encode())).isEqualTo(hex);
        assertThat(ReportTargetPortGroupsData.requiredLength(b(hex))).isEqualTo(24);
    }

    @Test
    void aluaStateMapping() {
        assertThat(AluaState.of(0).accessState()).isEqualTo(AccessState.OPTIMIZED);
        assertThat(AluaState.of(1).accessState()).isEqualTo(AccessState.NON_OPTIMIZED);
        assertThat(AluaState.of(2).accessState()).isEqualTo(AccessState.STANDBY);
        assertThat(AluaState.of(3).accessState()).isEqualTo(AccessState.UNAVAILABLE);
        assertThat(AluaState.of(4).accessState()).isEqualTo(AccessState.NON_OPTIMIZED);
        assertThat(AluaState.of(0xE).accessState()).isEqualTo(AccessState.OFFLINE);
        assertThat(AluaState.of(0xF).accessState()).isEqualTo(AccessState.TRANSITIONING);
        assertThat(AluaState.of(7)).isEqualTo(AluaState.RESERVED);
        assertThat(AluaState.RESERVED.accessState().acceptsIo()).isFalse();
    }

    @Test
    void malformedRtpgIsAFormatError() {
        // claims 32 bytes after the length, has 12
        assertThatThrownBy(() -> ReportTargetPortGroupsData.decode(b("00 00 00 20 10 3c 00 00 80 cf 00 01")))
                .isInstanceOf(ScsiFormatException.class).hasMessageContaining("truncated");
        // descriptor says 5 ports but the data ends after 1
        assertThatThrownBy(() -> ReportTargetPortGroupsData.decode(b("00 00 00 0c 80 cf 00 01 00 00 00 05 00 00 00 01")))
                .isInstanceOf(ScsiFormatException.class).hasMessageContaining("runs past");
        // a partial descriptor
        assertThatThrownBy(() -> ReportTargetPortGroupsData.decode(b("00 00 00 04 00 cf 00 01")))
                .isInstanceOf(ScsiFormatException.class);
    }

    @Test
    void setTargetPortGroups() throws ScsiFormatException {
        // 4 reserved bytes, then per group: state, reserved, group id
        String hex = "00 00 00 00 00 00 00 01 02 00 00 02";
        SetTargetPortGroupsParameters p = new SetTargetPortGroupsParameters(List.of(
                new SetTargetPortGroupsParameters.Entry(AluaState.ACTIVE_OPTIMIZED, 1),
                new SetTargetPortGroupsParameters.Entry(AluaState.STANDBY, 2)));
        assertThat(Hex.s(p.encode())).isEqualTo(hex);
        assertThat(SetTargetPortGroupsParameters.decode(b(hex))).isEqualTo(p);
        assertThatThrownBy(() -> SetTargetPortGroupsParameters.decode(b("00 00 00 00 00 00"))).isInstanceOf(ScsiFormatException.class);
    }

    @Test
    void persistentReserveIn() throws ScsiFormatException {
        // READ KEYS: 0-3 generation, 4-7 additional length, keys
        String keys = "00 00 00 05 00 00 00 10 00 00 00 00 00 00 ab cd 11 22 33 44 55 66 77 88";
        PrInData.Keys k = PrInData.Keys.decode(b(keys));
        assertThat(k).isEqualTo(new PrInData.Keys(5, List.of(0xABCDL, 0x1122334455667788L)));
        assertThat(Hex.s(k.encode())).isEqualTo(keys);
        assertThatThrownBy(() -> PrInData.Keys.decode(b("00 00 00 05 00 00 00 10 00 00 00 00 00 00 ab cd")))
                .isInstanceOf(ScsiFormatException.class);

        // READ RESERVATION: 8-15 key, 21 scope/type
        String res = "00 00 00 07 00 00 00 10 00 00 00 00 00 00 ab cd 00 00 00 00 00 05 00 00";
        PrInData.Reservation r = PrInData.Reservation.decode(b(res));
        assertThat(r).isEqualTo(new PrInData.Reservation(7, Optional.of(new PrInData.Holder(0xABCD, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY))));
        assertThat(Hex.s(r.encode())).isEqualTo(res);
        PrInData.Reservation none = PrInData.Reservation.decode(b("00 00 00 07 00 00 00 00"));
        assertThat(none.holder()).isEmpty();
        assertThat(Hex.s(none.encode())).isEqualTo("00 00 00 07 00 00 00 00");

        // REPORT CAPABILITIES: 0-1 length 8, 2 CRH|SIP_C|ATP_C|PTPL_C, 3 TMV|ALLOW COMMANDS, 4-5 type mask
        String cap = "00 08 1d 90 ea 01 00 00";
        PrInData.Capabilities c = PrInData.Capabilities.decode(b(cap));
        assertThat(c.crh()).isTrue();
        assertThat(c.ptplC()).isTrue();
        assertThat(c.allowCommands()).isEqualTo(1);
        assertThat(c.supports(PrType.WRITE_EXCLUSIVE)).isTrue();
        assertThat(c.supports(PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS)).isTrue();
        assertThat(Hex.s(c.encode())).isEqualTo(cap);
    }

    @Test
    void persistentReserveOutParameterList() throws ScsiFormatException {
        // 0-7 reservation key, 8-15 service action key, 20 SPEC_I_PT|ALL_TG_PT|APTPL
        String hex = "00 00 00 00 00 00 00 00 00 00 00 00 00 00 ab cd 00 00 00 00 00 00 00 00";
        PrOutParameterList p = PrOutParameterList.register(0, 0xABCD);
        assertThat(Hex.s(p.encode())).isEqualTo(hex);
        assertThat(PrOutParameterList.decode(b(hex))).isEqualTo(p);
        PrOutParameterList all = new PrOutParameterList(1, 2, false, true, true);
        assertThat(all.encode()[20]).isEqualTo((byte) 0x05);
        assertThat(PrOutParameterList.decode(all.encode())).isEqualTo(all);
        assertThatThrownBy(() -> PrOutParameterList.decode(new byte[23])).isInstanceOf(ScsiFormatException.class);
    }
}
