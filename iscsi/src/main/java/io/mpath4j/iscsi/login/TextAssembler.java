package io.mpath4j.iscsi.login;

import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Puts together the text of a Login or Text exchange that the sender split over several PDUs with
 * the C (continue) bit (RFC 7143 §11.10.2, §11.12.2: "a key=value pair can start in one PDU and
 * continue on the next"). Feed each PDU's data segment in order; the pairs come out when a PDU
 * with C = 0 arrives. One instance per direction and exchange; {@link #reset()} after an error.
 */
public final class TextAssembler {

    /** Default cap on one assembled text: a SendTargets=All answer of a large target fits. */
    public static final int DEFAULT_MAX_TEXT_LENGTH = 1 << 20;

    private final int maxTextLength;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public TextAssembler() {
        this(DEFAULT_MAX_TEXT_LENGTH);
    }

    public TextAssembler(int maxTextLength) {
        if (maxTextLength < 1) {
            throw new IllegalArgumentException("maxTextLength " + maxTextLength);
        }
        this.maxTextLength = maxTextLength;
    }

    /**
     * Adds one PDU's text.
     *
     * @param continued the PDU's C bit
     * @return the pairs of the whole text if {@code continued} is false, else {@code null}
     */
    public List<KeyValue> append(Bytes text, boolean continued) throws NegotiationException {
        if (pending.size() + (long) text.length() > maxTextLength) {
            int had = pending.size();
            pending.reset();
            throw new NegotiationException("continued text of " + (had + (long) text.length())
                    + " bytes exceeds the limit of " + maxTextLength);
        }
        pending.writeBytes(text.toByteArray());
        if (continued) {
            return null;
        }
        byte[] all = pending.toByteArray();
        pending.reset();
        return TextCodec.decode(all);
    }

    /** {@link #append} for a Login or Text PDU of either direction; other PDUs are a programmer error. */
    public List<KeyValue> append(Pdu pdu) throws NegotiationException {
        return switch (pdu) {
            case Pdu.LoginRequest p -> append(p.text(), p.continueFlag());
            case Pdu.LoginResponse p -> append(p.text(), p.continueFlag());
            case Pdu.TextRequest p -> append(p.text(), p.continueFlag());
            case Pdu.TextResponse p -> append(p.text(), p.continueFlag());
            default -> throw new IllegalArgumentException(pdu.opcode() + " carries no text");
        };
    }

    /** True while a continued text waits for its last part. */
    public boolean isPending() {
        return pending.size() > 0;
    }

    public void reset() {
        pending.reset();
    }
}
