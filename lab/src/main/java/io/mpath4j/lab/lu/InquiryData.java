package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.put64;

import io.mpath4j.scsi.Octets;
import io.mpath4j.scsi.vpd.BlockDeviceCharacteristics;
import io.mpath4j.scsi.vpd.BlockLimits;
import io.mpath4j.scsi.vpd.DesignationDescriptor;
import io.mpath4j.scsi.vpd.Designator;
import io.mpath4j.scsi.vpd.DeviceIdentification;
import io.mpath4j.scsi.vpd.LogicalBlockProvisioning;
import io.mpath4j.scsi.vpd.StandardInquiry;
import io.mpath4j.scsi.vpd.SupportedVpdPages;
import io.mpath4j.scsi.vpd.UnitSerialNumber;
import io.mpath4j.scsi.vpd.Vpd;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * INQUIRY data of a lab disk: standard data and the VPD pages 00h, 80h, 83h, B0h, B1h, B2h,
 * encoded by the scsi module's codecs.
 */
final class InquiryData {

    static final String VENDOR = "MPATH4J";
    static final String PRODUCT = "LAB DISK";
    static final String REVISION = "0001";
    /**
     * IEEE company id of the NAA designators: 02h in the first octet is the local bit of an
     * IEEE CID, i.e. no registered company claims it, which is right for a lab disk.
     */
    static final int LAB_COMPANY_ID = 0x024D50;

    static final List<Integer> PAGES = List.of(Vpd.SUPPORTED_PAGES, Vpd.UNIT_SERIAL_NUMBER, Vpd.DEVICE_IDENTIFICATION,
            Vpd.BLOCK_LIMITS, Vpd.BLOCK_DEVICE_CHARACTERISTICS, Vpd.LOGICAL_BLOCK_PROVISIONING);

    private InquiryData() {}

    /** Standard data length with version descriptors (SPC-4 §6.6.2: bytes 58-73). */
    static final int STANDARD_LENGTH = 96;

    /** Version descriptors (SPC-4 table "Version descriptor values"): SAM-5, iSCSI, SPC-4, SBC-3. */
    private static final int[] VERSION_DESCRIPTORS = {0x00A0, 0x0960, 0x0460, 0x04C0};

    static byte[] standard(int tpgs) {
        return withVersionDescriptors(StandardInquiry.disk(VENDOR, PRODUCT, REVISION, tpgs, tpgs != 0).encode());
    }

    private static byte[] withVersionDescriptors(byte[] first36) {
        byte[] b = java.util.Arrays.copyOf(first36, STANDARD_LENGTH);
        b[4] = (byte) (STANDARD_LENGTH - 5); // ADDITIONAL LENGTH
        for (int i = 0; i < VERSION_DESCRIPTORS.length; i++) {
            io.mpath4j.scsi.ScsiBytes.put16(b, 58 + 2 * i, VERSION_DESCRIPTORS[i]);
        }
        return b;
    }

    /** Standard data for a LUN with no logical unit behind it (SPC-4 §6.6.2: qualifier 3, type 1Fh). */
    static byte[] noLogicalUnit() {
        return withVersionDescriptors(new StandardInquiry(3, 0x1F, false, 0x06, false, true, 2, false, false, 0, false,
                false, false, true, VENDOR, PRODUCT, REVISION).encode());
    }

    /**
     * The 16-byte NAA 6 (IEEE Registered Extended) designator derived from {@code id}: the lab
     * company id, then 100 bits of SHA-256 over the id, so equal ids give equal WWIDs across
     * restarts and targets — which is what lets two lab targets present one LU on many paths.
     */
    static byte[] naa6(String id) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(("mpath4j-lab-lu:" + id).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (h[i] & 0xFF);
            lo = lo << 8 | (h[8 + i] & 0xFF);
        }
        long high = 0x6L << 60 | (long) LAB_COMPANY_ID << 36 | (hi & 0xF_FFFF_FFFFL);
        byte[] b = new byte[16];
        put64(b, 0, high);
        put64(b, 8, lo);
        return b;
    }

    static byte[] supportedPages() {
        return new SupportedVpdPages(PAGES).encode();
    }

    static byte[] serialNumber(String serial) {
        return new UnitSerialNumber(serial).encode();
    }

    /**
     * Device Identification: the LU's NAA 6 and T10 vendor id, then the designators of the port
     * the INQUIRY came through (relative target port, target port group when ALUA is on, and
     * the target port name as an iSCSI SCSI name string).
     */
    /** @param portGroup the target port group of the nexus's port, or -1 without ALUA */
    static byte[] deviceIdentification(byte[] naa, String serial, Nexus nexus, int portGroup) {
        List<DesignationDescriptor> d = new ArrayList<>();
        d.add(DesignationDescriptor.logicalUnit(new Designator.Naa(Octets.of(naa))));
        d.add(DesignationDescriptor.logicalUnit(Designator.T10VendorId.of(VENDOR, serial)));
        d.add(DesignationDescriptor.targetPort(DesignationDescriptor.PROTOCOL_ISCSI,
                new Designator.RelativeTargetPort(nexus.relativeTargetPortId())));
        if (portGroup >= 0) {
            d.add(DesignationDescriptor.targetPort(DesignationDescriptor.PROTOCOL_ISCSI,
                    new Designator.TargetPortGroup(portGroup)));
        }
        if (!nexus.targetPort().isEmpty()) {
            d.add(DesignationDescriptor.targetPort(DesignationDescriptor.PROTOCOL_ISCSI,
                    new Designator.ScsiNameString(nexus.targetPort())));
        }
        return new DeviceIdentification(d).encode();
    }

    static byte[] blockLimits(BlockCommands block, boolean thin) {
        long unmapGranularity = Math.max(1, MemoryBackstore.CHUNK / block.blockSize());
        return new BlockLimits(true, BlockCommands.MAX_COMPARE_AND_WRITE_BLOCKS, 1, block.maxTransferBlocks(),
                block.maxTransferBlocks(), 0, thin ? block.maxUnmapBlocks() : 0,
                thin ? BlockCommands.MAX_UNMAP_DESCRIPTORS : 0, thin ? unmapGranularity : 0, false, 0,
                block.maxWriteSameBlocks()).encode();
    }

    static byte[] blockDeviceCharacteristics() {
        return BlockDeviceCharacteristics.solidState().encode();
    }

    /** Thin: UNMAP, WRITE SAME(16) and (10) with UNMAP, unmapped blocks read zeros; else fully provisioned. */
    static byte[] logicalBlockProvisioning(boolean thin) {
        return thin
                ? new LogicalBlockProvisioning(0, true, true, true, 1, false, 0, 2, 0).encode()
                : new LogicalBlockProvisioning(0, false, false, false, 0, false, 0, 0, 0).encode();
    }
}
