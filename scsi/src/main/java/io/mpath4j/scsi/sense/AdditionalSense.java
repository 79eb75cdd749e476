package io.mpath4j.scsi.sense;

import java.util.HashMap;
import java.util.Map;

/**
 * Names of additional sense codes and qualifiers (ASC/ASCQ), for the codes a multipath initiator
 * and our lab target meet. The names are those of T10's asc-num.txt (SPC-4 Annex F, table
 * "ASC and ASCQ assignments"); the full table has about a thousand entries, mostly for tapes,
 * optical media and enclosures, and an unlisted code prints as hex.
 */
public final class AdditionalSense {

    private AdditionalSense() {}

    private static final Map<Integer, String> NAMES = new HashMap<>();

    private static void n(int asc, int ascq, String name) {
        NAMES.put(asc << 8 | ascq, name);
    }

    static {
        n(0x00, 0x00, "NO ADDITIONAL SENSE INFORMATION");
        n(0x00, 0x06, "I/O PROCESS TERMINATED");
        n(0x00, 0x16, "OPERATION IN PROGRESS");
        n(0x00, 0x1D, "ATA PASS THROUGH INFORMATION AVAILABLE");
        n(0x03, 0x00, "PERIPHERAL DEVICE WRITE FAULT");
        // 04h: why the unit is not ready (SPC-4 §4.5.6 NOT READY; 0Ah-0Ch are ALUA, §5.15.2.4)
        n(0x04, 0x00, "LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE");
        n(0x04, 0x01, "LOGICAL UNIT IS IN PROCESS OF BECOMING READY");
        n(0x04, 0x02, "LOGICAL UNIT NOT READY, INITIALIZING COMMAND REQUIRED");
        n(0x04, 0x03, "LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED");
        n(0x04, 0x04, "LOGICAL UNIT NOT READY, FORMAT IN PROGRESS");
        n(0x04, 0x05, "LOGICAL UNIT NOT READY, REBUILD IN PROGRESS");
        n(0x04, 0x06, "LOGICAL UNIT NOT READY, RECALCULATION IN PROGRESS");
        n(0x04, 0x07, "LOGICAL UNIT NOT READY, OPERATION IN PROGRESS");
        n(0x04, 0x08, "LOGICAL UNIT NOT READY, LONG WRITE IN PROGRESS");
        n(0x04, 0x09, "LOGICAL UNIT NOT READY, SELF-TEST IN PROGRESS");
        n(0x04, 0x0A, "LOGICAL UNIT NOT ACCESSIBLE, ASYMMETRIC ACCESS STATE TRANSITION");
        n(0x04, 0x0B, "LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE");
        n(0x04, 0x0C, "LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN UNAVAILABLE STATE");
        n(0x04, 0x0D, "LOGICAL UNIT NOT READY, STRUCTURE CHECK REQUIRED");
        n(0x04, 0x10, "LOGICAL UNIT NOT READY, AUXILIARY MEMORY NOT ACCESSIBLE");
        n(0x04, 0x11, "LOGICAL UNIT NOT READY, NOTIFY (ENABLE SPINUP) REQUIRED");
        n(0x04, 0x12, "LOGICAL UNIT NOT READY, OFFLINE");
        n(0x04, 0x13, "LOGICAL UNIT NOT READY, SA CREATION IN PROGRESS");
        n(0x04, 0x14, "LOGICAL UNIT NOT READY, SPACE ALLOCATION IN PROGRESS");
        n(0x04, 0x1A, "LOGICAL UNIT NOT READY, START STOP UNIT COMMAND IN PROGRESS");
        n(0x04, 0x1B, "LOGICAL UNIT NOT READY, SANITIZE IN PROGRESS");
        n(0x04, 0x1C, "LOGICAL UNIT NOT READY, ADDITIONAL POWER USE NOT YET GRANTED");
        n(0x04, 0x1D, "LOGICAL UNIT NOT READY, CONFIGURATION IN PROGRESS");
        n(0x05, 0x00, "LOGICAL UNIT DOES NOT RESPOND TO SELECTION");
        n(0x08, 0x00, "LOGICAL UNIT COMMUNICATION FAILURE");
        n(0x08, 0x01, "LOGICAL UNIT COMMUNICATION TIME-OUT");
        n(0x0B, 0x00, "WARNING");
        n(0x0B, 0x01, "WARNING - SPECIFIED TEMPERATURE EXCEEDED");
        n(0x0C, 0x00, "WRITE ERROR");
        n(0x0C, 0x02, "WRITE ERROR - AUTO REALLOCATION FAILED");
        n(0x0E, 0x01, "INFORMATION UNIT TOO SHORT");
        n(0x0E, 0x02, "INFORMATION UNIT TOO LONG");
        n(0x0E, 0x03, "INVALID FIELD IN COMMAND INFORMATION UNIT");
        n(0x10, 0x01, "LOGICAL BLOCK GUARD CHECK FAILED");
        n(0x10, 0x02, "LOGICAL BLOCK APPLICATION TAG CHECK FAILED");
        n(0x10, 0x03, "LOGICAL BLOCK REFERENCE TAG CHECK FAILED");
        n(0x11, 0x00, "UNRECOVERED READ ERROR");
        n(0x11, 0x04, "UNRECOVERED READ ERROR - AUTO REALLOCATE FAILED");
        n(0x14, 0x01, "RECORD NOT FOUND");
        n(0x1A, 0x00, "PARAMETER LIST LENGTH ERROR");
        n(0x1D, 0x00, "MISCOMPARE DURING VERIFY OPERATION");
        n(0x20, 0x00, "INVALID COMMAND OPERATION CODE");
        n(0x20, 0x02, "ACCESS DENIED - NO ACCESS RIGHTS");
        n(0x21, 0x00, "LOGICAL BLOCK ADDRESS OUT OF RANGE");
        n(0x24, 0x00, "INVALID FIELD IN CDB");
        n(0x25, 0x00, "LOGICAL UNIT NOT SUPPORTED");
        n(0x26, 0x00, "INVALID FIELD IN PARAMETER LIST");
        n(0x26, 0x01, "PARAMETER NOT SUPPORTED");
        n(0x26, 0x02, "PARAMETER VALUE INVALID");
        n(0x26, 0x04, "INVALID RELEASE OF PERSISTENT RESERVATION");
        n(0x27, 0x00, "WRITE PROTECTED");
        n(0x27, 0x01, "HARDWARE WRITE PROTECTED");
        n(0x27, 0x02, "LOGICAL UNIT SOFTWARE WRITE PROTECTED");
        n(0x27, 0x07, "SPACE ALLOCATION FAILED WRITE PROTECT");
        n(0x28, 0x00, "NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED");
        // 29h: resets (SAM-5 §6.3: a unit attention after any reset or I_T nexus loss)
        n(0x29, 0x00, "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED");
        n(0x29, 0x01, "POWER ON OCCURRED");
        n(0x29, 0x02, "SCSI BUS RESET OCCURRED");
        n(0x29, 0x03, "BUS DEVICE RESET FUNCTION OCCURRED");
        n(0x29, 0x04, "DEVICE INTERNAL RESET");
        n(0x29, 0x05, "TRANSCEIVER MODE CHANGED TO SINGLE-ENDED");
        n(0x29, 0x06, "TRANSCEIVER MODE CHANGED TO LVD");
        n(0x29, 0x07, "I_T NEXUS LOSS OCCURRED");
        n(0x2A, 0x00, "PARAMETERS CHANGED");
        n(0x2A, 0x01, "MODE PARAMETERS CHANGED");
        n(0x2A, 0x02, "LOG PARAMETERS CHANGED");
        n(0x2A, 0x03, "RESERVATIONS PREEMPTED");
        n(0x2A, 0x04, "RESERVATIONS RELEASED");
        n(0x2A, 0x05, "REGISTRATIONS PREEMPTED");
        n(0x2A, 0x06, "ASYMMETRIC ACCESS STATE CHANGED");
        n(0x2A, 0x07, "IMPLICIT ASYMMETRIC ACCESS STATE TRANSITION FAILED");
        n(0x2A, 0x08, "PRIORITY CHANGED");
        n(0x2A, 0x09, "CAPACITY DATA HAS CHANGED");
        n(0x2C, 0x00, "COMMAND SEQUENCE ERROR");
        n(0x2F, 0x00, "COMMANDS CLEARED BY ANOTHER INITIATOR");
        n(0x2F, 0x01, "COMMANDS CLEARED BY POWER LOSS NOTIFICATION");
        n(0x2F, 0x02, "COMMANDS CLEARED BY DEVICE SERVER");
        n(0x31, 0x00, "MEDIUM FORMAT CORRUPTED");
        n(0x38, 0x07, "THIN PROVISIONING SOFT THRESHOLD REACHED");
        n(0x3A, 0x00, "MEDIUM NOT PRESENT");
        n(0x3E, 0x00, "LOGICAL UNIT HAS NOT SELF-CONFIGURED YET");
        n(0x3E, 0x01, "LOGICAL UNIT FAILURE");
        n(0x3E, 0x02, "TIMEOUT ON LOGICAL UNIT");
        n(0x3E, 0x03, "LOGICAL UNIT FAILED SELF-TEST");
        n(0x3F, 0x00, "TARGET OPERATING CONDITIONS HAVE CHANGED");
        n(0x3F, 0x01, "MICROCODE HAS BEEN CHANGED");
        n(0x3F, 0x02, "CHANGED OPERATING DEFINITION");
        n(0x3F, 0x03, "INQUIRY DATA HAS CHANGED");
        n(0x3F, 0x04, "COMPONENT DEVICE ATTACHED");
        n(0x3F, 0x05, "DEVICE IDENTIFIER CHANGED");
        n(0x3F, 0x0E, "REPORTED LUNS DATA HAS CHANGED");
        n(0x44, 0x00, "INTERNAL TARGET FAILURE");
        n(0x47, 0x00, "SCSI PARITY ERROR");
        n(0x47, 0x03, "INFORMATION UNIT iuCRC ERROR DETECTED");
        n(0x4B, 0x00, "DATA PHASE ERROR");
        n(0x4E, 0x00, "OVERLAPPED COMMANDS ATTEMPTED");
        n(0x55, 0x00, "SYSTEM RESOURCE FAILURE");
        n(0x55, 0x03, "INSUFFICIENT RESERVATION RESOURCES");
        n(0x55, 0x04, "INSUFFICIENT REGISTRATION RESOURCES");
        n(0x5D, 0x00, "FAILURE PREDICTION THRESHOLD EXCEEDED");
        n(0x5E, 0x00, "LOW POWER CONDITION ON");
    }

    /** The name of this ASC/ASCQ, or {@code null} when the table does not list it. */
    public static String name(int asc, int ascq) {
        String s = NAMES.get(asc << 8 | ascq);
        if (s != null) {
            return s;
        }
        if (asc == 0x40 && ascq >= 0x80) {
            return String.format("DIAGNOSTIC FAILURE ON COMPONENT %02Xh", ascq);
        }
        if (asc >= 0x80 || ascq >= 0x80) {
            return "VENDOR SPECIFIC";
        }
        return null;
    }

    /** "NAME (04h/0Ah)", or "ASC 51h, ASCQ 00h" when unnamed. */
    public static String describe(int asc, int ascq) {
        String s = name(asc, ascq);
        return s == null
                ? String.format("ASC %02Xh, ASCQ %02Xh", asc, ascq)
                : String.format("%s (%02Xh/%02Xh)", s, asc, ascq);
    }
}
