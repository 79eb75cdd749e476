package io.mpath4j.iscsi.pdu;

import java.util.Optional;

/** PDU opcodes (RFC 7143 §11.2.1.2), with the direction each one travels in. */
public enum Opcode {
    NOP_OUT(0x00, true),
    SCSI_COMMAND(0x01, true),
    TASK_MANAGEMENT_REQUEST(0x02, true),
    LOGIN_REQUEST(0x03, true),
    TEXT_REQUEST(0x04, true),
    DATA_OUT(0x05, true),
    LOGOUT_REQUEST(0x06, true),
    SNACK_REQUEST(0x10, true),
    NOP_IN(0x20, false),
    SCSI_RESPONSE(0x21, false),
    TASK_MANAGEMENT_RESPONSE(0x22, false),
    LOGIN_RESPONSE(0x23, false),
    TEXT_RESPONSE(0x24, false),
    DATA_IN(0x25, false),
    LOGOUT_RESPONSE(0x26, false),
    R2T(0x31, false),
    ASYNC_MESSAGE(0x32, false),
    REJECT(0x3f, false);

    private static final Opcode[] BY_CODE = new Opcode[64];

    static {
        for (Opcode o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    private final int code;
    private final boolean fromInitiator;

    Opcode(int code, boolean fromInitiator) {
        this.code = code;
        this.fromInitiator = fromInitiator;
    }

    /** The 6-bit opcode. */
    public int code() {
        return code;
    }

    /** True for initiator opcodes (sent by the initiator), false for target opcodes. */
    public boolean fromInitiator() {
        return fromInitiator;
    }

    /** The opcode for the low 6 bits of {@code code}, if RFC 7143 defines it. */
    public static Optional<Opcode> of(int code) {
        return Optional.ofNullable(BY_CODE[code & 0x3f]);
    }

    /** Vendor-specific opcodes: 0x1c-0x1e (initiator) and 0x3c-0x3e (target), §11.2.1.2. */
    public static boolean isVendorSpecific(int code) {
        int c = code & 0x3f;
        return (c >= 0x1c && c <= 0x1e) || (c >= 0x3c && c <= 0x3e);
    }
}
