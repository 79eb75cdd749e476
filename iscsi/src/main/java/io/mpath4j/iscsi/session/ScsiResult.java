package io.mpath4j.iscsi.session;

/** How one SCSI command sent through an {@link IscsiSession} ended. */
public sealed interface ScsiResult {

    /**
     * The target completed the command (RFC 7143 §11.4 SCSI Response, or a Data-In with the S bit).
     *
     * @param status the SCSI status byte (SAM-5)
     * @param sense the sense data, empty without CHECK CONDITION
     * @param residualCount the residual (§11.4.5), meaningful with {@code underflow} or {@code overflow}
     * @param transferred bytes of Data-In received (reads), or bytes sent (writes)
     */
    record Completed(int status, byte[] sense, boolean underflow, boolean overflow, int residualCount,
            int transferred) implements ScsiResult {}

    /**
     * The command did not complete at the target as far as we know: the connection was lost, the
     * command timed out, the session was closing, or the target broke the protocol.
     *
     * @param mayStillExecute true when the command left our queue: with ErrorRecoveryLevel 0 the
     *     target may still execute it until the session is reinstated or timed out
     */
    record Failed(String reason, boolean mayStillExecute) implements ScsiResult {}
}
