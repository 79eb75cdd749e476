package io.mpath4j.iscsi.pdu;

import static io.mpath4j.iscsi.pdu.Wire.checkRange;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One iSCSI PDU (RFC 7143 §11), as a value. Each record holds the fields of its BHS that the RFC
 * defines for that opcode (reserved fields are sent as zero and ignored on receipt), and its data
 * segment, decoded where the RFC gives it a structure (sense data, §11.4.7; async event data,
 * §11.9.1) and raw otherwise (text, §6, is assembled across PDUs by {@code
 * io.mpath4j.iscsi.login.TextAssembler}).
 *
 * <p>Conventions: every 32-bit field (tags, sequence numbers, lengths, offsets, residuals) is an
 * {@code int} holding the raw unsigned bits — compare sequence numbers with {@link SerialNumber},
 * print with {@link Integer#toUnsignedString(int)}. The LUN is the raw 8-byte field (SAM LUN
 * structure, decoded by the {@code scsi} module). {@code 0xffffffff} ({@link #RESERVED_TAG}) is the
 * reserved tag value.
 */
public sealed interface Pdu {

    /** The reserved value of the Initiator and Target Transfer Tags, 0xffffffff (§11.2.1.8). */
    int RESERVED_TAG = 0xffffffff;

    Opcode opcode();

    /** The data segment as sent on the wire (before padding). */
    Bytes dataSegment();

    /** Initiator PDUs (RFC 7143 §11.2.1.2, opcodes 0x00-0x1f). */
    sealed interface InitiatorPdu extends Pdu {}

    /** Target PDUs (RFC 7143 §11.2.1.2, opcodes 0x20-0x3f). */
    sealed interface TargetPdu extends Pdu {}

    // ---------------------------------------------------------------- initiator -> target

    /** NOP-Out (§11.18): a ping (ITT valid) or the answer to a NOP-In ping (TTT valid). */
    record NopOut(boolean immediate, long lun, int initiatorTaskTag, int targetTransferTag, int cmdSN, int expStatSN,
            Bytes pingData) implements InitiatorPdu {
        public NopOut {
            Objects.requireNonNull(pingData, "pingData");
        }

        public Opcode opcode() {
            return Opcode.NOP_OUT;
        }

        public Bytes dataSegment() {
            return pingData;
        }
    }

    /** Task attributes of a SCSI Command (§11.3.1 ATTR), SAM names. */
    final class TaskAttribute {
        public static final int UNTAGGED = 0;
        public static final int SIMPLE = 1;
        public static final int ORDERED = 2;
        public static final int HEAD_OF_QUEUE = 3;
        public static final int ACA = 4;

        private TaskAttribute() {}
    }

    /**
     * SCSI Command (§11.3). The CDB is the whole CDB: its first 16 bytes travel in the BHS, the
     * rest in an Extended CDB AHS (§11.3.5, AHSType 1); shorter CDBs are padded with zeros to 16
     * bytes. A bidirectional command carries its read length in a Bidirectional Read Expected Data
     * Transfer Length AHS (§11.3.6, AHSType 2). The data segment is immediate data (§11.3.7).
     */
    record ScsiCommand(boolean immediate, boolean finalPdu, boolean read, boolean write, int taskAttribute, long lun,
            int initiatorTaskTag, int expectedDataTransferLength, int cmdSN, int expStatSN, Bytes cdb,
            OptionalInt bidirectionalReadLength, Bytes immediateData) implements InitiatorPdu {

        /** Bytes of CDB that fit in the BHS. */
        public static final int BHS_CDB_LENGTH = 16;

        /** Longest CDB accepted: SPC variable-length CDBs stop at 260 bytes. */
        public static final int MAX_CDB_LENGTH = 260;

        public ScsiCommand {
            checkRange("task attribute", taskAttribute, 0, 7);
            Objects.requireNonNull(bidirectionalReadLength, "bidirectionalReadLength");
            Objects.requireNonNull(immediateData, "immediateData");
            checkRange("CDB length", cdb.length(), 1, MAX_CDB_LENGTH);
            if (cdb.length() < BHS_CDB_LENGTH) {
                byte[] padded = new byte[BHS_CDB_LENGTH];
                System.arraycopy(cdb.toByteArray(), 0, padded, 0, cdb.length());
                cdb = Bytes.wrap(padded);
            }
        }

        public Opcode opcode() {
            return Opcode.SCSI_COMMAND;
        }

        public Bytes dataSegment() {
            return immediateData;
        }
    }

    /** Task management functions (§11.5.1). */
    final class TaskFunction {
        public static final int ABORT_TASK = 1;
        public static final int ABORT_TASK_SET = 2;
        public static final int CLEAR_ACA = 3;
        public static final int CLEAR_TASK_SET = 4;
        public static final int LOGICAL_UNIT_RESET = 5;
        public static final int TARGET_WARM_RESET = 6;
        public static final int TARGET_COLD_RESET = 7;
        public static final int TASK_REASSIGN = 8;

        private TaskFunction() {}
    }

    /** SCSI Task Management Function Request (§11.5); no data segment. */
    record TaskManagementRequest(boolean immediate, int function, long lun, int initiatorTaskTag,
            int referencedTaskTag, int cmdSN, int expStatSN, int refCmdSN, int expDataSN) implements InitiatorPdu {
        public TaskManagementRequest {
            checkRange("task management function", function, 0, 0x7f);
        }

        public Opcode opcode() {
            return Opcode.TASK_MANAGEMENT_REQUEST;
        }

        public Bytes dataSegment() {
            return Bytes.EMPTY;
        }
    }

    /** Login stages (§11.12.3 CSG and NSG). */
    final class Stage {
        public static final int SECURITY_NEGOTIATION = 0;
        public static final int OPERATIONAL_NEGOTIATION = 1;
        public static final int FULL_FEATURE_PHASE = 3;

        private Stage() {}
    }

    /**
     * Login Request (§11.12). The I bit is always 1 on the wire. {@code isid} is the 6-byte ISID
     * (§11.12.5) as a 48-bit number; the data segment is login text (§6), possibly continued
     * ({@code continueFlag}, C bit) in the next Login Request.
     */
    record LoginRequest(boolean transit, boolean continueFlag, int currentStage, int nextStage, int versionMax,
            int versionMin, long isid, int tsih, int initiatorTaskTag, int cid, int cmdSN, int expStatSN, Bytes text)
            implements InitiatorPdu {
        public LoginRequest {
            checkLoginFlags(transit, continueFlag, currentStage, nextStage);
            checkRange("Version-max", versionMax, 0, 0xff);
            checkRange("Version-min", versionMin, 0, 0xff);
            checkRange("ISID", isid, 0, 0xffff_ffff_ffffL);
            checkRange("TSIH", tsih, 0, 0xffff);
            checkRange("CID", cid, 0, 0xffff);
            Objects.requireNonNull(text, "text");
        }

        public Opcode opcode() {
            return Opcode.LOGIN_REQUEST;
        }

        public Bytes dataSegment() {
            return text;
        }
    }

    private static void checkLoginFlags(boolean transit, boolean continueFlag, int csg, int nsg) {
        checkRange("CSG", csg, 0, 3);
        checkRange("NSG", nsg, 0, 3);
        if (transit && continueFlag) {
            // §11.12.2: "If the C bit is set to 1, the T bit MUST be 0"
            throw new IllegalArgumentException("the T and C bits are both set");
        }
    }

    /** Text Request (§11.10); the text may continue (C bit) in the next Text Request. */
    record TextRequest(boolean immediate, boolean finalPdu, boolean continueFlag, long lun, int initiatorTaskTag,
            int targetTransferTag, int cmdSN, int expStatSN, Bytes text) implements InitiatorPdu {
        public TextRequest {
            if (finalPdu && continueFlag) {
                // §11.10.2: "A Text Request with the C bit set to 1 MUST have the F bit set to 0"
                throw new IllegalArgumentException("the F and C bits are both set");
            }
            Objects.requireNonNull(text, "text");
        }

        public Opcode opcode() {
            return Opcode.TEXT_REQUEST;
        }

        public Bytes dataSegment() {
            return text;
        }
    }

    /** SCSI Data-Out (§11.7): solicited (TTT from an R2T) or unsolicited (TTT 0xffffffff) write data. */
    record DataOut(boolean finalPdu, long lun, int initiatorTaskTag, int targetTransferTag, int expStatSN, int dataSN,
            int bufferOffset, Bytes data) implements InitiatorPdu {
        public DataOut {
            Objects.requireNonNull(data, "data");
        }

        public Opcode opcode() {
            return Opcode.DATA_OUT;
        }

        public Bytes dataSegment() {
            return data;
        }
    }

    /** Logout reason codes (§11.14.1). */
    final class LogoutReason {
        public static final int CLOSE_SESSION = 0;
        public static final int CLOSE_CONNECTION = 1;
        public static final int REMOVE_CONNECTION_FOR_RECOVERY = 2;

        private LogoutReason() {}
    }

    /** Logout Request (§11.14); no data segment. */
    record LogoutRequest(boolean immediate, int reasonCode, int initiatorTaskTag, int cid, int cmdSN, int expStatSN)
            implements InitiatorPdu {
        public LogoutRequest {
            checkRange("reason code", reasonCode, 0, 0x7f);
            checkRange("CID", cid, 0, 0xffff);
        }

        public Opcode opcode() {
            return Opcode.LOGOUT_REQUEST;
        }

        public Bytes dataSegment() {
            return Bytes.EMPTY;
        }
    }

    /**
     * SNACK Request (§11.16): Type 0 Data/R2T, 1 Status, 2 DataACK, 3 R-Data. Decoded so a target
     * can answer it; this initiator does not send SNACKs (ErrorRecoveryLevel 0).
     */
    record SnackRequest(int type, long lun, int initiatorTaskTag, int targetTransferTagOrSnackTag, int expStatSN,
            int begRun, int runLength) implements InitiatorPdu {
        public SnackRequest {
            checkRange("SNACK type", type, 0, 0xf);
        }

        public Opcode opcode() {
            return Opcode.SNACK_REQUEST;
        }

        public Bytes dataSegment() {
            return Bytes.EMPTY;
        }
    }

    // ---------------------------------------------------------------- target -> initiator

    /** NOP-In (§11.19): a ping from the target (TTT valid) or the answer to a NOP-Out ping (ITT valid). */
    record NopIn(long lun, int initiatorTaskTag, int targetTransferTag, int statSN, int expCmdSN, int maxCmdSN,
            Bytes pingData) implements TargetPdu {
        public NopIn {
            Objects.requireNonNull(pingData, "pingData");
        }

        public Opcode opcode() {
            return Opcode.NOP_IN;
        }

        public Bytes dataSegment() {
            return pingData;
        }
    }

    /**
     * SCSI Response (§11.4). Flags o/u (bidirectional read residual overflow/underflow) and O/U
     * (residual overflow/underflow); overflow and underflow of the same kind exclude each other
     * (§11.4.1). The data segment, when present, is SenseLength (2 bytes), sense data, then response
     * data (§11.4.7); both empty means an empty data segment.
     */
    record ScsiResponse(boolean bidiReadOverflow, boolean bidiReadUnderflow, boolean residualOverflow,
            boolean residualUnderflow, int response, int status, int initiatorTaskTag, int snackTag, int statSN,
            int expCmdSN, int maxCmdSN, int expDataSN, int bidiReadResidualCount, int residualCount, Bytes senseData,
            Bytes responseData) implements TargetPdu {

        /** Response (§11.4.3): 0x00 Command Completed at Target, 0x01 Target Failure. */
        public static final int COMMAND_COMPLETED = 0x00;
        public static final int TARGET_FAILURE = 0x01;

        public ScsiResponse {
            checkRange("response", response, 0, 0xff);
            checkRange("status", status, 0, 0xff);
            if (bidiReadOverflow && bidiReadUnderflow) {
                throw new IllegalArgumentException("bidirectional read residual overflow and underflow both set");
            }
            if (residualOverflow && residualUnderflow) {
                throw new IllegalArgumentException("residual overflow and underflow both set");
            }
            checkRange("sense data length", senseData.length(), 0, 0xffff);
            Objects.requireNonNull(responseData, "responseData");
        }

        public Opcode opcode() {
            return Opcode.SCSI_RESPONSE;
        }

        public Bytes dataSegment() {
            return SenseSegment.encode(senseData, responseData);
        }
    }

    /** SCSI Task Management Function Response (§11.6); no data segment. */
    record TaskManagementResponse(int response, int initiatorTaskTag, int statSN, int expCmdSN, int maxCmdSN)
            implements TargetPdu {

        /** Responses (§11.6.1). */
        public static final int FUNCTION_COMPLETE = 0;
        public static final int TASK_DOES_NOT_EXIST = 1;
        public static final int LUN_DOES_NOT_EXIST = 2;
        public static final int TASK_STILL_ALLEGIANT = 3;
        public static final int REASSIGNMENT_NOT_SUPPORTED = 4;
        public static final int FUNCTION_NOT_SUPPORTED = 5;
        public static final int AUTHORIZATION_FAILED = 6;
        public static final int FUNCTION_REJECTED = 255;

        public TaskManagementResponse {
            checkRange("response", response, 0, 0xff);
        }

        public Opcode opcode() {
            return Opcode.TASK_MANAGEMENT_RESPONSE;
        }

        public Bytes dataSegment() {
            return Bytes.EMPTY;
        }
    }

    /**
     * Login Response (§11.13): Status-Class 0 success, 1 redirection, 2 initiator error, 3 target
     * error (§11.13.5); the data segment is login text.
     */
    record LoginResponse(boolean transit, boolean continueFlag, int currentStage, int nextStage, int versionMax,
            int versionActive, long isid, int tsih, int initiatorTaskTag, int statSN, int expCmdSN, int maxCmdSN,
            int statusClass, int statusDetail, Bytes text) implements TargetPdu {
        public LoginResponse {
            checkLoginFlags(transit, continueFlag, currentStage, nextStage);
            checkRange("Version-max", versionMax, 0, 0xff);
            checkRange("Version-active", versionActive, 0, 0xff);
            checkRange("ISID", isid, 0, 0xffff_ffff_ffffL);
            checkRange("TSIH", tsih, 0, 0xffff);
            checkRange("Status-Class", statusClass, 0, 0xff);
            checkRange("Status-Detail", statusDetail, 0, 0xff);
            Objects.requireNonNull(text, "text");
        }

        public Opcode opcode() {
            return Opcode.LOGIN_RESPONSE;
        }

        public Bytes dataSegment() {
            return text;
        }
    }

    /** Text Response (§11.11). */
    record TextResponse(boolean finalPdu, boolean continueFlag, long lun, int initiatorTaskTag, int targetTransferTag,
            int statSN, int expCmdSN, int maxCmdSN, Bytes text) implements TargetPdu {
        public TextResponse {
            if (finalPdu && continueFlag) {
                // §11.11.2: "A Text Response with the C bit set to 1 MUST have the F bit set to 0"
                throw new IllegalArgumentException("the F and C bits are both set");
            }
            Objects.requireNonNull(text, "text");
        }

        public Opcode opcode() {
            return Opcode.TEXT_RESPONSE;
        }

        public Bytes dataSegment() {
            return text;
        }
    }

    /**
     * SCSI Data-In (§11.7). Flags: F (final), A (acknowledge, ErrorRecoveryLevel &gt; 0), O and U
     * (residual overflow/underflow, valid only with S), S (status present: StatSN, status and
     * residual are valid, and F MUST be set, §11.7.4).
     */
    record DataIn(boolean finalPdu, boolean acknowledge, boolean residualOverflow, boolean residualUnderflow,
            boolean statusPresent, int status, long lun, int initiatorTaskTag, int targetTransferTag, int statSN,
            int expCmdSN, int maxCmdSN, int dataSN, int bufferOffset, int residualCount, Bytes data)
            implements TargetPdu {
        public DataIn {
            checkRange("status", status, 0, 0xff);
            if (statusPresent && !finalPdu) {
                throw new IllegalArgumentException("the S bit is set without the F bit");
            }
            if (residualOverflow && residualUnderflow) {
                throw new IllegalArgumentException("residual overflow and underflow both set");
            }
            if (!statusPresent && (residualOverflow || residualUnderflow)) {
                throw new IllegalArgumentException("the O or U bit is set without the S bit");
            }
            Objects.requireNonNull(data, "data");
        }

        public Opcode opcode() {
            return Opcode.DATA_IN;
        }

        public Bytes dataSegment() {
            return data;
        }
    }

    /** Logout Response (§11.15); Time2Wait and Time2Retain in seconds. */
    record LogoutResponse(int response, int initiatorTaskTag, int statSN, int expCmdSN, int maxCmdSN, int time2Wait,
            int time2Retain) implements TargetPdu {

        /** Responses (§11.15.1). */
        public static final int CLOSED_SUCCESSFULLY = 0;
        public static final int CID_NOT_FOUND = 1;
        public static final int RECOVERY_NOT_SUPPORTED = 2;
        public static final int CLEANUP_FAILED = 3;

        public LogoutResponse {
            checkRange("response", response, 0, 0xff);
            checkRange("Time2Wait", time2Wait, 0, 0xffff);
            checkRange("Time2Retain", time2Retain, 0, 0xffff);
        }

        public Opcode opcode() {
            return Opcode.LOGOUT_RESPONSE;
        }

        public Bytes dataSegment() {
            return Bytes.EMPTY;
        }
    }

    /** Ready To Transfer (§11.8); no data segment. */
    record R2T(long lun, int initiatorTaskTag, int targetTransferTag, int statSN, int expCmdSN, int maxCmdSN,
            int r2tSN, int bufferOffset, int desiredDataTransferLength) implements TargetPdu {
        public Opcode opcode() {
            return Opcode.R2T;
        }

        public Bytes dataSegment() {
            return Bytes.EMPTY;
        }
    }

    /** AsyncEvent codes (§11.9.1). */
    final class AsyncEvent {
        /** A SCSI asynchronous event; the sense data reports it, the LUN is valid. */
        public static final int SCSI_EVENT = 0;
        /** The target requests a logout; Parameter3 is the time (s) to do so. */
        public static final int LOGOUT_REQUESTED = 1;
        /** The target will drop the connection Parameter1 (CID); Parameter2 Time2Wait, Parameter3 Time2Retain. */
        public static final int CONNECTION_DROP = 2;
        /** The target will drop all connections; Parameter2 Time2Wait, Parameter3 Time2Retain. */
        public static final int SESSION_DROP = 3;
        /** The target requests parameter negotiation; Parameter3 is the time (s) to do so. */
        public static final int NEGOTIATION_REQUEST = 4;
        /** All active tasks of the LUN are being terminated (only with TaskReporting=FastAbort, RFC 7143). */
        public static final int TASK_TERMINATION = 5;
        /** Vendor-specific iSCSI event; AsyncVCode gives the vendor code. */
        public static final int VENDOR_SPECIFIC = 255;

        private AsyncEvent() {}
    }

    /**
     * Asynchronous Message (§11.9). ITT is always 0xffffffff on the wire. The data segment, when
     * present, is SenseLength (2 bytes), sense data (for {@link AsyncEvent#SCSI_EVENT}), then iSCSI
     * event data (§11.9.1).
     */
    record AsyncMessage(long lun, int statSN, int expCmdSN, int maxCmdSN, int asyncEvent, int asyncVCode,
            int parameter1, int parameter2, int parameter3, Bytes senseData, Bytes eventData) implements TargetPdu {
        public AsyncMessage {
            checkRange("AsyncEvent", asyncEvent, 0, 0xff);
            checkRange("AsyncVCode", asyncVCode, 0, 0xff);
            checkRange("Parameter1", parameter1, 0, 0xffff);
            checkRange("Parameter2", parameter2, 0, 0xffff);
            checkRange("Parameter3", parameter3, 0, 0xffff);
            checkRange("sense data length", senseData.length(), 0, 0xffff);
            Objects.requireNonNull(eventData, "eventData");
        }

        public Opcode opcode() {
            return Opcode.ASYNC_MESSAGE;
        }

        public Bytes dataSegment() {
            return SenseSegment.encode(senseData, eventData);
        }
    }

    /** Reject (§11.17); the data segment is the header of the rejected PDU. */
    record Reject(int reason, int statSN, int expCmdSN, int maxCmdSN, int dataSNOrR2TSN, Bytes rejectedHeader)
            implements TargetPdu {

        /** Reasons (§11.17.1). */
        public static final int DATA_DIGEST_ERROR = 0x02;
        public static final int SNACK_REJECT = 0x03;
        public static final int PROTOCOL_ERROR = 0x04;
        public static final int COMMAND_NOT_SUPPORTED = 0x05;
        public static final int IMMEDIATE_COMMAND_REJECT = 0x06;
        public static final int TASK_IN_PROGRESS = 0x07;
        public static final int INVALID_DATA_ACK = 0x08;
        public static final int INVALID_PDU_FIELD = 0x09;
        public static final int LONG_OP_REJECT = 0x0a;
        public static final int DEPRECATED_NEGOTIATION_RESET = 0x0b;
        public static final int WAITING_FOR_LOGOUT = 0x0c;

        public Reject {
            checkRange("reason", reason, 0, 0xff);
            Objects.requireNonNull(rejectedHeader, "rejectedHeader");
        }

        public Opcode opcode() {
            return Opcode.REJECT;
        }

        public Bytes dataSegment() {
            return rejectedHeader;
        }
    }
}
