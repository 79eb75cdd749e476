package io.mpath4j.iscsi.pdu;

/**
 * A well-framed PDU whose opcode this decoder does not handle: an opcode RFC 7143 §11.2.1.2 does
 * not define, a vendor-specific opcode (0x1c-0x1e, 0x3c-0x3e), or an opcode of the other direction
 * (a target sending an initiator opcode). The decoder consumed exactly this PDU; the stream is in
 * sync, and a target answers with a Reject (reason 0x04 "Protocol Error" or 0x05 "Command not
 * supported", §11.17.1).
 */
public final class UnsupportedPduException extends IscsiProtocolException {

    private final int opcode;
    private final Bytes header;

    public UnsupportedPduException(int opcode, Bytes header, String why) {
        super("unsupported PDU opcode " + Wire.hex8(opcode) + ": " + why);
        this.opcode = opcode;
        this.header = header;
    }

    /** The raw 6-bit opcode. */
    public int opcode() {
        return opcode;
    }

    /** The 48-byte BHS of the PDU. */
    public Bytes header() {
        return header;
    }
}
