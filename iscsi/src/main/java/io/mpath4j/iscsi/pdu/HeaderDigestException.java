package io.mpath4j.iscsi.pdu;

/**
 * The header digest (CRC32C over the BHS and AHS, RFC 7143 §13.1) did not match. The lengths in
 * the header cannot be trusted, so the PDU boundary is unknown: nothing was consumed, and the
 * connection must be dropped (RFC 7143 §7.8 "Digest Errors": without a sync-and-steering layer the
 * receiver cannot find the next PDU). The session may recover by connection recovery (§7.2).
 */
public final class HeaderDigestException extends IscsiProtocolException {

    private final int expected;
    private final int received;

    public HeaderDigestException(int expected, int received) {
        super("header digest mismatch: computed CRC32C " + Wire.hex32(expected) + ", received " + Wire.hex32(received));
        this.expected = expected;
        this.received = received;
    }

    /** The CRC32C computed over the received header. */
    public int expected() {
        return expected;
    }

    /** The digest value received on the wire. */
    public int received() {
        return received;
    }
}
