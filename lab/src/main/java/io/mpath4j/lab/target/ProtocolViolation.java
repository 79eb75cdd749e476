package io.mpath4j.lab.target;

import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;

/**
 * The initiator broke the protocol. Without sense data the connection ends (RFC 7143 §7.1.3
 * "protocol error": a Data-Out for a task or R2T that does not exist, a Login Request in the full
 * feature phase). With sense data only the command ends: it completes with CHECK CONDITION,
 * ABORTED COMMAND and that additional sense code (§11.4.7.2), and the connection goes on — a
 * Data-Out sequence error of one write (wrong DataSN or offset, a misplaced F bit, too much data,
 * unsolicited data where none may come) spoils that write only.
 */
final class ProtocolViolation extends Exception {

    /** 4Bh/00h DATA PHASE ERROR: a Data-Out out of DataSN order. */
    static final SenseData DATA_PHASE_ERROR = SenseData.of(SenseKey.ABORTED_COMMAND, 0x4b, 0x00);
    /** 4Bh/05h DATA OFFSET ERROR: a Data-Out at the wrong buffer offset. */
    static final SenseData DATA_OFFSET_ERROR = SenseData.of(SenseKey.ABORTED_COMMAND, 0x4b, 0x05);
    /** 0Ch/0Ch (§11.4.7.2): unexpected unsolicited data. */
    static final SenseData UNEXPECTED_UNSOLICITED_DATA = SenseData.of(SenseKey.ABORTED_COMMAND, 0x0c, 0x0c);
    /** 0Ch/0Dh (§11.4.7.2): incorrect amount of data. */
    static final SenseData INCORRECT_AMOUNT_OF_DATA = SenseData.of(SenseKey.ABORTED_COMMAND, 0x0c, 0x0d);

    private final SenseData sense;

    /** A violation that ends the connection. */
    ProtocolViolation(String message) {
        this(message, null);
    }

    /** A violation that ends only its command, with {@code sense}. */
    ProtocolViolation(String message, SenseData sense) {
        super(message);
        this.sense = sense;
    }

    /** The sense data to end the command with, or null if the connection must end. */
    SenseData sense() {
        return sense;
    }
}
