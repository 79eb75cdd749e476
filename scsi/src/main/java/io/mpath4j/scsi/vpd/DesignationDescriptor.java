package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.checkRange;

import java.util.Objects;

/**
 * One designation descriptor of the Device Identification VPD page (SPC-4 §7.8.6.1): a 4-byte
 * header (PROTOCOL IDENTIFIER, CODE SET, PIV, ASSOCIATION, DESIGNATOR TYPE, DESIGNATOR LENGTH) and
 * the designator.
 *
 * @param protocolIdentifier meaningful only with {@code piv} set and a port/device association
 *     (SPC-4 §7.6.1: 5 = iSCSI, 6 = SAS, 0 = Fibre Channel)
 * @param codeSet 1 binary, 2 ASCII, 3 UTF-8
 * @param piv PROTOCOL IDENTIFIER VALID
 */
public record DesignationDescriptor(
        int protocolIdentifier, int codeSet, boolean piv, Association association, Designator designator) {

    public static final int CODE_SET_BINARY = 1;
    public static final int CODE_SET_ASCII = 2;
    public static final int CODE_SET_UTF8 = 3;
    public static final int PROTOCOL_FC = 0x0;
    public static final int PROTOCOL_ISCSI = 0x5;
    public static final int PROTOCOL_SAS = 0x6;

    /** ASSOCIATION (SPC-4 §7.8.6.1): what the designator names. */
    public enum Association {
        LOGICAL_UNIT,
        TARGET_PORT,
        TARGET_DEVICE,
        RESERVED;

        public static Association of(int code) {
            return values()[code & 3];
        }
    }

    public DesignationDescriptor {
        checkRange(protocolIdentifier, 0xF, "protocol identifier");
        checkRange(codeSet, 0xF, "code set");
        Objects.requireNonNull(association, "association");
        Objects.requireNonNull(designator, "designator");
        checkRange(designator.value().length(), 0xFF, "designator length");
    }

    /** A designator of the logical unit, with its type's usual code set. */
    public static DesignationDescriptor logicalUnit(Designator d) {
        return new DesignationDescriptor(0, d.defaultCodeSet(), false, Association.LOGICAL_UNIT, d);
    }

    /** A designator of the target port the command came through, tagged with the transport protocol. */
    public static DesignationDescriptor targetPort(int protocolIdentifier, Designator d) {
        return new DesignationDescriptor(protocolIdentifier, d.defaultCodeSet(), true, Association.TARGET_PORT, d);
    }

    /** A designator of the SCSI target device, tagged with the transport protocol. */
    public static DesignationDescriptor targetDevice(int protocolIdentifier, Designator d) {
        return new DesignationDescriptor(protocolIdentifier, d.defaultCodeSet(), true, Association.TARGET_DEVICE, d);
    }

    /** Encoded length: 4 + designator length. */
    public int length() {
        return 4 + designator.value().length();
    }

    void encodeInto(byte[] b, int off) {
        b[off] = (byte) (protocolIdentifier << 4 | codeSet);
        b[off + 1] = (byte) ((piv ? 0x80 : 0) | association.ordinal() << 4 | designator.type());
        b[off + 3] = (byte) designator.value().length();
        designator.value().copyTo(b, off + 4);
    }
}
