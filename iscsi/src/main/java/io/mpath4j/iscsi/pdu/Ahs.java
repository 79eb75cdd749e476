package io.mpath4j.iscsi.pdu;

/**
 * Additional Header Segment types (RFC 7143 §11.2.2): each AHS is AHSLength (2 bytes: the length
 * after AHSType, i.e. from the AHS-Specific byte on, excluding padding), AHSType (1 byte),
 * AHS-Specific (from 1 byte on), padded to 4 bytes.
 */
final class Ahs {

    /** Extended CDB (§11.3.5): AHSLength = CDBLength - 15, one reserved byte, CDB bytes 16 and on. */
    static final int EXTENDED_CDB = 1;

    /** Bidirectional Read Expected Data Transfer Length (§11.3.6): AHSLength 5, reserved, 4 bytes. */
    static final int BIDIRECTIONAL_READ_LENGTH = 2;

    private Ahs() {}
}
