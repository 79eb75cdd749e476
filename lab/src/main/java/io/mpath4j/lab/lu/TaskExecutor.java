package io.mpath4j.lab.lu;

/**
 * The SCSI side of one lab target: every logical unit behind it. The iSCSI side
 * ({@code io.mpath4j.lab.target}) calls it; it knows nothing of iSCSI. Implementations are
 * thread-safe: tasks of many sessions arrive concurrently.
 */
public interface TaskExecutor {

    /**
     * Executes one command to completion, including commands to a LUN that does not exist
     * (INQUIRY answers with peripheral qualifier 3, REPORT LUNS works, anything else is CHECK
     * CONDITION ILLEGAL REQUEST / LOGICAL UNIT NOT SUPPORTED).
     */
    TaskResult execute(ScsiTask task);

    /** LOGICAL UNIT RESET from {@code nexus}: every other nexus gets a POWER ON/RESET unit attention. */
    void logicalUnitReset(long lun, Nexus nexus);

    /** The transport lost the nexus (session closed or reinstated): clears its per-nexus state except PR registrations. */
    void nexusLost(Nexus nexus);

    /**
     * The Data-Out length in bytes the CDB asks for (the SCSI transfer length: WRITE blocks times
     * the logical block length, a parameter list length, ...), or -1 when the command moves no
     * Data-Out or the unit cannot tell. The transport compares it with the initiator's Expected
     * Data Transfer Length to report residual overflow or underflow for writes (RFC 7143 §11.4.5;
     * only the unit knows its block length) and hands {@link #execute} at most that many bytes.
     */
    default long dataOutLength(long lun, byte[] cdb) {
        return -1;
    }
}
