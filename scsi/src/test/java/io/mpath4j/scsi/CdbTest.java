package io.mpath4j.scsi;

import static io.mpath4j.scsi.Hex.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.cdb.UnmapParameterList;
import io.mpath4j.scsi.pr.PrInAction;
import io.mpath4j.scsi.pr.PrOutAction;
import io.mpath4j.scsi.pr.PrType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** CDB byte vectors, assembled by hand from the SPC-4/SBC-3 layouts (byte offsets in the comments). */
class CdbTest {

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of(new Cdb.TestUnitReady(), "00 00 00 00 00 00"),
                // INQUIRY: 1 EVPD, 2 page, 3-4 allocation length
                Arguments.of(Cdb.Inquiry.standard(36), "12 00 00 00 24 00"),
                Arguments.of(Cdb.Inquiry.vpd(0x83, 0x1000), "12 01 83 10 00 00"),
                Arguments.of(new Cdb.ReadCapacity10(), "25 00 00 00 00 00 00 00 00 00"),
                // SAI(16): 1 SA 10h, 10-13 allocation length
                Arguments.of(new Cdb.ReadCapacity16(32), "9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00"),
                // READ(10): 1 FUA bit 3, 2-5 LBA, 7-8 length
                Arguments.of(new Cdb.Read10(0x12345678L, 0x100, false), "28 00 12 34 56 78 00 01 00 00"),
                Arguments.of(new Cdb.Write10(0xFFFFFFFEL, 1, true), "2a 08 ff ff ff fe 00 00 01 00"),
                // READ(16): 2-9 LBA, 10-13 length
                Arguments.of(new Cdb.Read16(0x1_0000_0000L, 0x10000, true), "88 08 00 00 00 01 00 00 00 00 00 01 00 00 00 00"),
                Arguments.of(new Cdb.Write16(0x0102030405060708L, 8, false), "8a 00 01 02 03 04 05 06 07 08 00 00 00 08 00 00"),
                // SYNCHRONIZE CACHE: 1 IMMED bit 1
                Arguments.of(new Cdb.SynchronizeCache10(0, 0, false), "35 00 00 00 00 00 00 00 00 00"),
                Arguments.of(new Cdb.SynchronizeCache10(5, 3, true), "35 02 00 00 00 05 00 00 03 00"),
                Arguments.of(new Cdb.SynchronizeCache16(0x1_0000_0000L, 7, true), "91 02 00 00 00 01 00 00 00 00 00 00 00 07 00 00"),
                // UNMAP: 1 ANCHOR, 7-8 parameter list length
                Arguments.of(new Cdb.Unmap(false, 24), "42 00 00 00 00 00 00 00 18 00"),
                // WRITE SAME(16): 1 ANCHOR bit 4, UNMAP bit 3, NDOB bit 0
                Arguments.of(new Cdb.WriteSame16(0x800, 0x1000, true, false, false), "93 08 00 00 00 00 00 00 08 00 00 00 10 00 00 00"),
                Arguments.of(new Cdb.WriteSame16(1, 2, true, true, true), "93 19 00 00 00 00 00 00 00 01 00 00 00 02 00 00"),
                // REPORT LUNS: 2 select report, 6-9 allocation length
                Arguments.of(new Cdb.ReportLuns(0, 4096), "a0 00 00 00 00 00 00 00 10 00 00 00"),
                // MAINTENANCE IN / RTPG: 1 format 001b << 5 | 0Ah, 6-9 allocation length
                Arguments.of(new Cdb.ReportTargetPortGroups(true, 0x2000), "a3 2a 00 00 00 00 00 00 20 00 00 00"),
                Arguments.of(new Cdb.ReportTargetPortGroups(false, 0x80), "a3 0a 00 00 00 00 00 00 00 80 00 00"),
                Arguments.of(new Cdb.SetTargetPortGroups(8), "a4 0a 00 00 00 00 00 00 00 08 00 00"),
                // PR IN: 1 SA, 7-8 allocation length
                Arguments.of(new Cdb.PersistentReserveIn(PrInAction.READ_KEYS, 0x400), "5e 00 00 00 00 00 00 04 00 00"),
                Arguments.of(new Cdb.PersistentReserveIn(PrInAction.READ_RESERVATION, 24), "5e 01 00 00 00 00 00 00 18 00"),
                Arguments.of(new Cdb.PersistentReserveIn(PrInAction.REPORT_CAPABILITIES, 8), "5e 02 00 00 00 00 00 00 08 00"),
                // PR OUT: 1 SA, 2 scope << 4 | type, 5-8 parameter list length
                Arguments.of(new Cdb.PersistentReserveOut(PrOutAction.REGISTER, PrType.NONE, 24), "5f 00 00 00 00 00 00 00 18 00"),
                Arguments.of(new Cdb.PersistentReserveOut(PrOutAction.REGISTER_AND_IGNORE_EXISTING_KEY, PrType.NONE, 24), "5f 06 00 00 00 00 00 00 18 00"),
                Arguments.of(new Cdb.PersistentReserveOut(PrOutAction.RESERVE, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 24), "5f 01 05 00 00 00 00 00 18 00"),
                Arguments.of(new Cdb.PersistentReserveOut(PrOutAction.RELEASE, PrType.EXCLUSIVE_ACCESS, 24), "5f 02 03 00 00 00 00 00 18 00"),
                Arguments.of(new Cdb.PersistentReserveOut(PrOutAction.CLEAR, PrType.NONE, 24), "5f 03 00 00 00 00 00 00 18 00"),
                Arguments.of(new Cdb.PersistentReserveOut(PrOutAction.PREEMPT, PrType.WRITE_EXCLUSIVE, 24), "5f 04 01 00 00 00 00 00 18 00"),
                // MODE SENSE(6): 1 DBD bit 3, 2 PC << 6 | page, 3 subpage, 4 allocation length
                Arguments.of(new Cdb.ModeSense6(true, 0, Cdb.MODE_PAGE_CACHING, 0, 0xFF), "1a 08 08 00 ff 00"),
                Arguments.of(new Cdb.ModeSense6(false, 1, Cdb.MODE_PAGE_CONTROL, 0, 64), "1a 00 4a 00 40 00"),
                // MODE SENSE(10): 1 LLBAA bit 4, DBD bit 3, 7-8 allocation length
                Arguments.of(new Cdb.ModeSense10(true, false, 0, Cdb.MODE_PAGE_ALL, 0xFF, 0x1000), "5a 10 3f ff 00 00 00 10 00 00"));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encodesToTheSpecLayoutAndDecodesBack(Cdb cdb, String hex) throws ScsiFormatException {
        assertThat(Hex.s(cdb.encode())).isEqualTo(hex);
        assertThat(Cdb.decode(b(hex))).isEqualTo(cdb);
        // iSCSI carries CDBs in a 16-byte field: trailing bytes are ignored
        byte[] padded = new byte[Math.max(16, cdb.encode().length)];
        System.arraycopy(b(hex), 0, padded, 0, b(hex).length);
        assertThat(Cdb.decode(padded)).isEqualTo(cdb);
    }

    @Test
    void readAndWriteChooseTheTenByteFormWhileItFits() {
        assertThat(Cdb.read(0, 0xFFFF, false)).isInstanceOf(Cdb.Read10.class);
        assertThat(Cdb.read(0, 0x10000, false)).isEqualTo(new Cdb.Read16(0, 0x10000, false));
        assertThat(Cdb.read(0xFFFFFFFFL, 1, false)).isEqualTo(new Cdb.Read10(0xFFFFFFFFL, 1, false));
        assertThat(Cdb.read(0xFFFFFFFFL, 2, false)).isEqualTo(new Cdb.Read16(0xFFFFFFFFL, 2, false));
        assertThat(Cdb.write(0x1_0000_0000L, 1, true)).isEqualTo(new Cdb.Write16(0x1_0000_0000L, 1, true));
        assertThat(Cdb.write(8, 8, true)).isEqualTo(new Cdb.Write10(8, 8, true));
        assertThat(Cdb.synchronizeCache(0, 0, false)).isEqualTo(new Cdb.SynchronizeCache10(0, 0, false));
        assertThat(Cdb.synchronizeCache(1L << 40, 0, false)).isInstanceOf(Cdb.SynchronizeCache16.class);
    }

    @Test
    void unknownOpcodesAndServiceActionsDecodeAsUnknown() throws ScsiFormatException {
        assertThat(Cdb.decode(b("03 00 00 00 12 00"))).isEqualTo(new Cdb.Unknown(0x03, Octets.hex("030000001200")));
        assertThat(Cdb.decode(b("9e 11 00 00 00 00 00 00 00 00 00 00 00 20 00 00"))).isInstanceOf(Cdb.Unknown.class);
        assertThat(Cdb.decode(b("a3 0c 00 00 00 00 00 00 20 00 00 00"))).isInstanceOf(Cdb.Unknown.class);
        assertThat(Cdb.decode(b("5e 1f 00 00 00 00 00 00 08 00"))).isInstanceOf(Cdb.Unknown.class);
        assertThat(Cdb.decode(b("7f 00 00 00 00 00 00 18"))).isInstanceOf(Cdb.Unknown.class);
        // a reserved PR type is kept raw, so a target can answer INVALID FIELD IN CDB
        Cdb.PersistentReserveOut out = (Cdb.PersistentReserveOut) Cdb.decode(b("5f 01 02 00 00 00 00 00 18 00"));
        assertThat(out.typeCode()).isEqualTo(2);
        assertThat(out.type()).isNull();
    }

    @Test
    void shortCdbsAreFormatErrors() {
        assertThatThrownBy(() -> Cdb.decode(new byte[0])).isInstanceOf(ScsiFormatException.class);
        assertThatThrownBy(() -> Cdb.decode(b("28 00 00 00 00 00 00 00 01"))).isInstanceOf(ScsiFormatException.class)
                .hasMessageContaining("28h needs 10 bytes");
        assertThatThrownBy(() -> Cdb.decode(b("88 00"))).isInstanceOf(ScsiFormatException.class);
        assertThatThrownBy(() -> Cdb.decode(b("12 01 83"))).isInstanceOf(ScsiFormatException.class);
    }

    @Test
    void unmapParameterList() throws ScsiFormatException {
        // 0-1 data length (n-2), 2-3 block descriptor data length, 8.. LBA(8) count(4) reserved(4)
        String hex = "00 26 00 20 00 00 00 00"
                + " 00 00 00 00 00 00 10 00 00 00 00 80 00 00 00 00"
                + " 00 00 00 01 00 00 00 00 00 00 01 00 00 00 00 00";
        UnmapParameterList list = new UnmapParameterList(List.of(
                new UnmapParameterList.Descriptor(0x1000, 0x80), new UnmapParameterList.Descriptor(1L << 32, 0x100)));
        assertThat(Hex.s(list.encode())).isEqualTo(hex);
        assertThat(UnmapParameterList.decode(b(hex))).isEqualTo(list);
        assertThatThrownBy(() -> UnmapParameterList.decode(b("00 16 00 10 00 00 00 00 00 00"))).isInstanceOf(ScsiFormatException.class);
        assertThatThrownBy(() -> UnmapParameterList.decode(b("00 0e 00 08 00 00 00 00 00 00 00 00 00 00 00 00"))).isInstanceOf(ScsiFormatException.class)
                .hasMessageContaining("multiple of 16");
    }
}
