package io.mpath4j.iscsi.pdu;

/**
 * The data digest (CRC32C over the data segment and its padding, RFC 7143 §13.1) did not match,
 * while the header (and its digest, if negotiated) was sound. The decoder consumed exactly this
 * PDU; the stream is still in sync. RFC 7143 §7.8: a target discards the PDU and answers with a
 * Reject (reason 0x02, "Data (payload) digest error"); an initiator discards it and recovers the
 * data by a SNACK (ErrorRecoveryLevel &gt; 0) or by aborting the task.
 */
public final class DataDigestException extends IscsiProtocolException {

    private final Opcode opcode;
    private final int initiatorTaskTag;
    private final Bytes header;

    public DataDigestException(Opcode opcode, int initiatorTaskTag, Bytes header, int expected, int received) {
        super("data digest mismatch on " + opcode + " ITT " + Wire.hex32(initiatorTaskTag) + ": computed CRC32C "
                + Wire.hex32(expected) + ", received " + Wire.hex32(received));
        this.opcode = opcode;
        this.initiatorTaskTag = initiatorTaskTag;
        this.header = header;
    }

    public Opcode opcode() {
        return opcode;
    }

    public int initiatorTaskTag() {
        return initiatorTaskTag;
    }

    /** The 48-byte BHS of the discarded PDU, as a Reject's data segment carries it (§11.17.1). */
    public Bytes header() {
        return header;
    }
}
