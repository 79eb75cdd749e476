package io.mpath4j.iscsi.pdu;

/**
 * The peer sent bytes that are not a valid iSCSI PDU: a length over the negotiated
 * MaxRecvDataSegmentLength (RFC 7143 §13.12), an AHS that overruns TotalAHSLength (§11.2.1.2),
 * inconsistent flag bits, a data segment on a PDU that must not carry one, and so on. This type
 * and its subclasses are the only exceptions the decoder throws for any input.
 *
 * <p>Unless a subclass says otherwise, the decoder consumed nothing, the byte stream is to be
 * considered out of sync, and the connection is to be dropped (RFC 7143 §7.1.3 "a protocol error
 * ... the connection MUST be dropped" for format errors). The subclasses {@link
 * DataDigestException} and {@link UnsupportedPduException} mark the cases where the PDU's framing
 * was sound: the decoder consumed exactly that PDU and the caller may continue on the connection
 * (by answering with a Reject, §11.17, or by a SNACK or task abort, §7.8).
 */
public class IscsiProtocolException extends Exception {

    public IscsiProtocolException(String message) {
        super(message);
    }
}
