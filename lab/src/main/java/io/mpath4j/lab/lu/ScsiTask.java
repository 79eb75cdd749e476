package io.mpath4j.lab.lu;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One SCSI command as the transport hands it to the logical units: the transport has already
 * collected every Data-Out byte (immediate, unsolicited and solicited data) before it asks for
 * execution, so the task executes in one step.
 *
 * @param nexus the I_T nexus the command arrived on
 * @param lun the addressed logical unit number (flat, as decoded from the 8-byte LUN field)
 * @param cdb the command descriptor block as received
 * @param dataOut the Data-Out buffer (position 0, limit = bytes received); empty for reads
 * @param expectedDataInLength the initiator's expected Data-In transfer length (the target
 *     truncates longer data and reports the residual)
 */
public record ScsiTask(Nexus nexus, long lun, byte[] cdb, ByteBuffer dataOut, int expectedDataInLength) {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    public ScsiTask {
        Objects.requireNonNull(nexus, "nexus");
        Objects.requireNonNull(cdb, "cdb");
        dataOut = dataOut == null ? EMPTY : dataOut;
        if (expectedDataInLength < 0) {
            throw new IllegalArgumentException("negative expected Data-In length: " + expectedDataInLength);
        }
    }
}
