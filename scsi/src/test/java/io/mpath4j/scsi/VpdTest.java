package io.mpath4j.scsi;

import static io.mpath4j.scsi.Hex.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.scsi.vpd.BlockDeviceCharacteristics;
import io.mpath4j.scsi.vpd.BlockLimits;
import io.mpath4j.scsi.vpd.DesignationDescriptor;
import io.mpath4j.scsi.vpd.DesignationDescriptor.Association;
import io.mpath4j.scsi.vpd.Designator;
import io.mpath4j.scsi.vpd.DeviceIdentification;
import io.mpath4j.scsi.vpd.LogicalBlockProvisioning;
import io.mpath4j.scsi.vpd.StandardInquiry;
import io.mpath4j.scsi.vpd.SupportedVpdPages;
import io.mpath4j.scsi.vpd.UnitSerialNumber;
import io.mpath4j.scsi.vpd.Vpd;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INQUIRY and VPD vectors. The {@code SDEB_*} pages are real: the Linux scsi_debug driver's
 * answers as captured by {@code sg_vpd -a -HHHH} in sg3_utils' inhex/vpd_sdeb.hex.
 */
class VpdTest {

    static final String SDEB_00 = "00 00 00 0c 00 80 83 84  85 86 87 88 89 b0 b1 b2";
    static final String SDEB_80 = "00 80 00 04 32 30 30 30";
    static final String SDEB_83 = """
            00 83 00 70 02 01 00 1c  4c 69 6e 75 78 20 20 20
            73 63 73 69 5f 64 65 62  75 67 20 20 20 20 20 20
            32 30 30 30 01 03 00 08  33 33 33 30 00 00 07 d0
            61 94 00 04 00 00 00 01  61 93 00 08 32 22 22 20
            00 00 07 ce 61 95 00 04  00 00 01 00 61 a3 00 08
            32 22 22 20 00 00 07 cd  63 a8 00 18 6e 61 61 2e
            33 32 32 32 32 32 32 30  30 30 30 30 30 37 43 44
            00 00 00 00
            """;
    static final String SDEB_B0 = """
            00 b0 00 3c 00 00 00 01  00 00 40 00 00 00 04 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 01
            00 00 00 00 00 00 00 00  00 00 ff ff 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            """;
    static final String SDEB_B1 = """
            00 b1 00 3c 00 01 00 05  00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            """;
    static final String SDEB_B2 = "00 b2 00 04 00 00 00 00";

    @Test
    void standardInquiry() throws ScsiFormatException {
        // 0 PQ/PDT, 2 version 06h, 3 HiSup|RDF 2, 4 additional length 31, 5 TPGS=3 << 4, 6 MultiP, 7 CmdQue,
        // 8-15 vendor, 16-31 product, 32-35 revision
        String hex = "00 00 06 12 1f 30 10 02"
                + " 4c 49 4f 2d 4f 52 47 20" // "LIO-ORG "
                + " 6d 70 61 74 68 34 6a 20 20 20 20 20 20 20 20 20" // "mpath4j"
                + " 34 2e 30 20"; // "4.0 "
        StandardInquiry inq = StandardInquiry.decode(b(hex));
        assertThat(inq).isEqualTo(StandardInquiry.disk("LIO-ORG", "mpath4j", "4.0", 3, true));
        assertThat(inq.implicitAlua()).isTrue();
        assertThat(inq.explicitAlua()).isTrue();
        assertThat(Hex.s(inq.encode())).isEqualTo(hex);
        // longer data (version descriptors) truncated by a 36-byte allocation length is fine
        byte[] longer = b(hex);
        longer[4] = 0x5b;
        assertThat(StandardInquiry.decode(longer).vendor()).isEqualTo("LIO-ORG");
        // an unconnected LUN: PQ 3, PDT 1Fh
        assertThat(StandardInquiry.decode(b("7f" + hex.substring(2))).peripheralQualifier()).isEqualTo(3);
        assertThatThrownBy(() -> StandardInquiry.decode(b(hex.substring(0, 60)))).isInstanceOf(ScsiFormatException.class);
        byte[] shortClaim = b(hex);
        shortClaim[4] = 0x1a;
        assertThatThrownBy(() -> StandardInquiry.decode(shortClaim)).isInstanceOf(ScsiFormatException.class)
                .hasMessageContaining("ADDITIONAL LENGTH");
    }

    @Test
    void scsiDebugSupportedPagesSerialAndLimits() throws ScsiFormatException {
        SupportedVpdPages pages = SupportedVpdPages.decode(b(SDEB_00));
        assertThat(pages.pages()).containsExactly(0x00, 0x80, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0xb0, 0xb1, 0xb2);
        assertThat(pages.supports(Vpd.BLOCK_LIMITS)).isTrue();
        assertThat(Hex.s(pages.encode())).isEqualTo(SDEB_00.replace("  ", " "));

        assertThat(UnitSerialNumber.decode(b(SDEB_80))).isEqualTo(new UnitSerialNumber("2000"));

        BlockLimits bl = BlockLimits.decode(b(SDEB_B0));
        assertThat(bl.maxCompareAndWriteLength()).isZero();
        assertThat(bl.optimalTransferLengthGranularity()).isEqualTo(1);
        assertThat(bl.maxTransferLength()).isEqualTo(0x4000);
        assertThat(bl.optimalTransferLength()).isEqualTo(0x400);
        assertThat(bl.optimalUnmapGranularity()).isEqualTo(1);
        assertThat(bl.maxWriteSameLength()).isEqualTo(0xFFFF);
        assertThat(bl.encode()).isEqualTo(b(SDEB_B0));

        BlockDeviceCharacteristics bdc = BlockDeviceCharacteristics.decode(b(SDEB_B1));
        assertThat(bdc.nonRotating()).isTrue();
        assertThat(bdc.nominalFormFactor()).isEqualTo(5);
        assertThat(bdc.encode()).isEqualTo(b(SDEB_B1));

        LogicalBlockProvisioning lbp = LogicalBlockProvisioning.decode(b(SDEB_B2));
        assertThat(lbp.lbpu()).isFalse();
        assertThat(lbp.encode()).isEqualTo(b(SDEB_B2));
    }

    @Test
    void scsiDebugDeviceIdentification() throws ScsiFormatException {
        DeviceIdentification di = DeviceIdentification.decode(b(SDEB_83));
        assertThat(di.descriptors()).containsExactly(
                new DesignationDescriptor(0, 2, false, Association.LOGICAL_UNIT,
                        Designator.T10VendorId.of("Linux", "scsi_debug      2000")),
                new DesignationDescriptor(0, 1, false, Association.LOGICAL_UNIT, new Designator.Naa(Octets.hex("33333330000007d0"))),
                new DesignationDescriptor(6, 1, true, Association.TARGET_PORT, new Designator.RelativeTargetPort(1)),
                new DesignationDescriptor(6, 1, true, Association.TARGET_PORT, new Designator.Naa(Octets.hex("32222220000007ce"))),
                new DesignationDescriptor(6, 1, true, Association.TARGET_PORT, new Designator.TargetPortGroup(0x100)),
                new DesignationDescriptor(6, 1, true, Association.TARGET_DEVICE, new Designator.Naa(Octets.hex("32222220000007cd"))),
                new DesignationDescriptor(6, 3, true, Association.TARGET_DEVICE, new Designator.ScsiNameString("naa.32222220000007CD")));
        assertThat(di.relativeTargetPort()).hasValue(1);
        assertThat(di.targetPortGroup()).hasValue(0x100);
        Designator.T10VendorId t10 = di.find(Designator.T10VendorId.class, Association.LOGICAL_UNIT).orElseThrow();
        assertThat(t10.vendor()).isEqualTo("Linux");
        // the SCSI name string was padded with 4 NULs to 24 bytes; ours pads to the next multiple of 4 (24 too)
        assertThat(di.encode()).isEqualTo(b(SDEB_83));
    }

    @Test
    void deviceIdentificationBuilderForTheLabTarget() throws ScsiFormatException {
        DeviceIdentification di = new DeviceIdentification(List.of(
                DesignationDescriptor.logicalUnit(new Designator.Naa(Octets.hex("6001405abcdef0123456789abcdef012"))),
                DesignationDescriptor.logicalUnit(Designator.T10VendorId.of("LIO-ORG", "0123-4567")),
                DesignationDescriptor.targetPort(DesignationDescriptor.PROTOCOL_ISCSI, new Designator.RelativeTargetPort(2)),
                DesignationDescriptor.targetPort(DesignationDescriptor.PROTOCOL_ISCSI, new Designator.TargetPortGroup(1)),
                DesignationDescriptor.logicalUnit(new Designator.LogicalUnitGroup(0)),
                DesignationDescriptor.targetPort(DesignationDescriptor.PROTOCOL_ISCSI,
                        new Designator.ScsiNameString("iqn.2003-01.org.example:t1,t,0x0001"))));
        byte[] page = di.encode();
        // first descriptor by hand: binary, LU, NAA, 16 bytes
        assertThat(Hex.s(java.util.Arrays.copyOfRange(page, 0, 8))).isEqualTo("00 83 00 69 01 03 00 10");
        // relative target port: iSCSI (5) binary, PIV|port|type 4
        assertThat(Hex.s(java.util.Arrays.copyOfRange(page, 45, 53))).isEqualTo("51 94 00 04 00 00 00 02");
        assertThat(DeviceIdentification.decode(page)).isEqualTo(di);
        assertThat(di.wwid()).hasValue("36001405abcdef0123456789abcdef012");
    }

    @Test
    void aScsiNameStringThatIsNotUtf8OrHasNoRoomForItsNulDecodesAsOtherAndRoundTrips() throws ScsiFormatException {
        // code set 3 (UTF-8), type 8, 4 bytes: "ab" then 0xC3 0x28, an invalid UTF-8 sequence
        byte[] badUtf8 = b("00 83 00 08 03 08 00 04 61 62 c3 28");
        DeviceIdentification di = DeviceIdentification.decode(badUtf8);
        assertThat(di.descriptors().getFirst().designator()).isEqualTo(new Designator.Other(8, Octets.hex("6162c328")));
        assertThat(di.encode()).isEqualTo(badUtf8);

        // 255 bytes of name without a NUL: as a name it would need 256 bytes with its padding
        byte[] full = new byte[4 + 4 + 255];
        full[1] = (byte) 0x83;
        full[2] = (byte) ((4 + 255) >> 8); // the page length is 16 bits
        full[3] = (byte) (4 + 255);
        full[4] = 0x03;
        full[5] = 0x08;
        full[7] = (byte) 255;
        java.util.Arrays.fill(full, 8, full.length, (byte) 'x');
        DeviceIdentification long255 = DeviceIdentification.decode(full);
        assertThat(long255.descriptors().getFirst().designator()).isInstanceOf(Designator.Other.class);
        assertThat(long255.encode()).isEqualTo(full);

        // a valid name still decodes as a name
        assertThat(DeviceIdentification.decode(b("00 83 00 08 03 08 00 04 61 62 00 00")).descriptors().getFirst().designator())
                .isEqualTo(new Designator.ScsiNameString("ab"));
    }

    @Test
    void invalidDesignatorLengthsDecodeAsOther() throws ScsiFormatException {
        // NAA of 5 bytes, relative port of 2 bytes
        DeviceIdentification di = DeviceIdentification.decode(b("00 83 00 0f 01 03 00 05 60 01 02 03 04 51 94 00 02 00 01"));
        assertThat(di.descriptors()).extracting(DesignationDescriptor::designator).containsExactly(
                new Designator.Other(3, Octets.hex("6001020304")), new Designator.Other(4, Octets.hex("0001")));
    }

    @Test
    void truncatedAndWrongPagesAreFormatErrors() {
        assertThatThrownBy(() -> DeviceIdentification.decode(b("00 83 00 10 01 03 00 08 60 01"))).isInstanceOf(ScsiFormatException.class)
                .hasMessageContaining("truncated").hasMessageContaining("20");
        assertThatThrownBy(() -> DeviceIdentification.decode(b("00 83 00 06 01 03 00 08 60 01"))).isInstanceOf(ScsiFormatException.class)
                .hasMessageContaining("runs past");
        assertThatThrownBy(() -> DeviceIdentification.decode(b("00 83 00 02 01 03"))).isInstanceOf(ScsiFormatException.class)
                .hasMessageContaining("header");
        assertThatThrownBy(() -> UnitSerialNumber.decode(b(SDEB_83))).isInstanceOf(ScsiFormatException.class)
                .hasMessageContaining("page code 83h");
        assertThatThrownBy(() -> BlockLimits.decode(b("00 b0 00 3c 00 00"))).isInstanceOf(ScsiFormatException.class);
        assertThatThrownBy(() -> LogicalBlockProvisioning.decode(b("00 b2 00 02 00 00"))).isInstanceOf(ScsiFormatException.class);
        assertThatThrownBy(() -> SupportedVpdPages.decode(b("00 00"))).isInstanceOf(ScsiFormatException.class);
    }

    @Test
    void builderRoundTrips() throws ScsiFormatException {
        BlockLimits bl = new BlockLimits(false, 1, 8, 2048, 256, 0, 0x400000, 256, 8, true, 0, 0xFFFFFF);
        assertThat(BlockLimits.decode(bl.encode())).isEqualTo(bl);
        // SBC-2 page of length 0Ch: only up to OPTIMAL TRANSFER LENGTH
        BlockLimits old = BlockLimits.decode(b("00 b0 00 0c 00 00 00 08 00 00 08 00 00 00 01 00"));
        assertThat(old.maxTransferLength()).isEqualTo(0x800);
        assertThat(old.maxUnmapLbaCount()).isZero();
        LogicalBlockProvisioning thin = LogicalBlockProvisioning.thin();
        assertThat(Hex.s(thin.encode())).isEqualTo("00 b2 00 04 00 c4 02 00");
        assertThat(LogicalBlockProvisioning.decode(thin.encode())).isEqualTo(thin);
        BlockDeviceCharacteristics ssd = BlockDeviceCharacteristics.solidState();
        assertThat(BlockDeviceCharacteristics.decode(ssd.encode())).isEqualTo(ssd);
        assertThat(UnitSerialNumber.decode(b("00 80 00 08 20 20 61 62 63 20 20 20")).serial()).isEqualTo("abc");
        assertThat(Vpd.requiredLength(b("00 83 01 00"))).isEqualTo(260);
    }
}
